// Namespaces: which to create, which to join by path, and the id maps of a
// new user namespace.
#pragma once

#include <sys/types.h>

#include <vector>

#include "base/result.h"
#include "base/unique_fd.h"
#include "oci/runtime_spec.h"

namespace berth::runtime {

struct NamespaceToJoin {
  oci::NamespaceType type;
  UniqueFd fd;
};

struct NamespacePlan {
  int clone_flags = 0;          // CLONE_NEW* for namespaces created at clone time
  bool unshare_cgroup = false;  // cgroupns is unshared by init after it joined its cgroup
  bool unshare_time = false;    // timens needs its offsets written before entry
  bool new_user_namespace = false;
  // A user namespace joined by path: the new namespaces must be made from
  // inside it (so it owns them), by an intermediate process; see
  // enter_joined_user_namespace.
  bool joins_user_namespace = false;
  std::vector<NamespaceToJoin> to_join;  // user, mount, time: joined by the init (user first)
  // pid, network, ipc, uts, cgroup: joined by the runtime around the clone,
  // so the init starts in them before any new user namespace exists (from
  // inside one, it could not join namespaces the host's user namespace owns).
  std::vector<NamespaceToJoin> joined_around_clone;
};

// Enters the runtime into namespaces for the duration of a clone, and back.
class NamespacesForClone {
 public:
  static Result<NamespacesForClone> enter(std::vector<NamespaceToJoin>& namespaces);
  Status leave();  // back to the runtime's own; idempotent
  ~NamespacesForClone() { (void)leave(); }
  NamespacesForClone(NamespacesForClone&&) = default;
  NamespacesForClone& operator=(NamespacesForClone&&) = default;
  void close_in_child() { own_.clear(); }

 private:
  NamespacesForClone() = default;
  std::vector<NamespaceToJoin> own_;  // the runtime's, to return to
};

// Opens every namespace path (the error names the path and the type) and
// works out the clone flags.
Result<NamespacePlan> plan_namespaces(const oci::Linux& linux);

// Joins the namespaces, user first (it grants the rights for the rest) and
// mount last (it changes our root); closes each fd once joined.
Status join_namespaces(std::vector<NamespaceToJoin>& to_join);

// After entering a user namespace: become its root (uid and gid 0).
Status become_namespace_root();

// For joins_user_namespace, in the intermediate process: joins the path
// namespaces (user first), becomes root there, then unshares the new ones
// so that user namespace owns them. A new pid namespace applies to
// children only: the caller forks once more and the child is the init.
Status enter_joined_user_namespace(NamespacePlan& plan);

// Writes /proc/PID/{uid_map,gid_map}; the error names the map and the mapping.
Status write_id_mappings(pid_t pid, const std::vector<oci::IdMapping>& uid_mappings,
                         const std::vector<oci::IdMapping>& gid_mappings);

// Writes /proc/self/timens_offsets (before anything enters the new time namespace).
Status write_time_offsets(const std::map<std::string, oci::TimeOffset>& offsets);

}  // namespace berth::runtime
