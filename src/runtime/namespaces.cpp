#include "runtime/namespaces.h"

#include <fcntl.h>
#include <sched.h>

#include <algorithm>

#include "base/file_io.h"

namespace berth::runtime {

using oci::NamespaceType;

Result<NamespacePlan> plan_namespaces(const oci::Linux& linux) {
  NamespacePlan plan;
  for (const auto& ns : linux.namespaces) {
    if (ns.path.empty()) {
      if (ns.type == NamespaceType::cgroup) {
        plan.unshare_cgroup = true;
      } else if (ns.type == NamespaceType::time) {
        plan.unshare_time = true;
      } else {
        plan.clone_flags |= oci::namespace_clone_flag(ns.type);
      }
      if (ns.type == NamespaceType::user) plan.new_user_namespace = true;
      continue;
    }
    UniqueFd fd(::open(ns.path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) return fail_errno(errno, "open {} namespace {}", oci::namespace_name(ns.type), ns.path);
    // setns with the type checks that the file really is that kind of namespace.
    bool runtime_joins =
        ns.type != NamespaceType::user && ns.type != NamespaceType::mount && ns.type != NamespaceType::time;
    (runtime_joins ? plan.joined_around_clone : plan.to_join).push_back({ns.type, std::move(fd)});
  }
  bool joins_user = std::any_of(plan.to_join.begin(), plan.to_join.end(),
                                [](const NamespaceToJoin& ns) { return ns.type == NamespaceType::user; });
  plan.joins_user_namespace = joins_user;
  if (!linux.time_offsets.empty() && !plan.unshare_time)
    return fail("linux.timeOffsets: time offsets require a new time namespace");
  return plan;
}

Status join_namespaces(std::vector<NamespaceToJoin>& to_join) {
  std::stable_partition(to_join.begin(), to_join.end(),
                        [](const NamespaceToJoin& ns) { return ns.type == NamespaceType::user; });
  std::stable_partition(to_join.begin(), to_join.end(),
                        [](const NamespaceToJoin& ns) { return ns.type != NamespaceType::mount; });
  for (auto& ns : to_join) {
    if (::setns(ns.fd.get(), oci::namespace_clone_flag(ns.type)) != 0)
      return fail_errno(errno, "join {} namespace", oci::namespace_name(ns.type));
    ns.fd.reset();
  }
  return {};
}

Result<NamespacesForClone> NamespacesForClone::enter(std::vector<NamespaceToJoin>& namespaces) {
  NamespacesForClone entered;
  for (auto& ns : namespaces) {
    // For pid, what a clone uses is pid_for_children.
    std::string own = fmt::format(
        "/proc/self/ns/{}", ns.type == NamespaceType::pid ? "pid_for_children" : oci::namespace_proc_name(ns.type));
    UniqueFd fd(::open(own.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) return fail_errno(errno, "open {}", own);
    if (::setns(ns.fd.get(), oci::namespace_clone_flag(ns.type)) != 0)
      return fail_errno(errno, "join {} namespace", oci::namespace_name(ns.type));
    entered.own_.push_back({ns.type, std::move(fd)});
  }
  return entered;
}

Status NamespacesForClone::leave() {
  for (auto& ns : own_)
    if (::setns(ns.fd.get(), oci::namespace_clone_flag(ns.type)) != 0)
      return fail_errno(errno, "return to the runtime's {} namespace", oci::namespace_name(ns.type));
  own_.clear();
  return {};
}

Status enter_joined_user_namespace(NamespacePlan& plan) {
  BERTH_TRY(join_namespaces(plan.to_join));
  plan.to_join.clear();
  BERTH_TRY(become_namespace_root());
  if (plan.clone_flags != 0 && ::unshare(plan.clone_flags) != 0)
    return fail_errno(errno, "create namespaces in the joined user namespace");
  return {};
}

Status become_namespace_root() {
  if (::setresgid(0, 0, 0) != 0) return fail_errno(errno, "become gid 0 in the user namespace");
  if (::setresuid(0, 0, 0) != 0) return fail_errno(errno, "become uid 0 in the user namespace");
  return {};
}

namespace {

std::string format_mappings(const std::vector<oci::IdMapping>& mappings) {
  std::string text;
  for (const auto& mapping : mappings)
    text += fmt::format("{} {} {}\n", mapping.container_id, mapping.host_id, mapping.size);
  return text;
}

}  // namespace

Status write_id_mappings(pid_t pid, const std::vector<oci::IdMapping>& uid_mappings,
                         const std::vector<oci::IdMapping>& gid_mappings) {
  std::string proc = "/proc/" + std::to_string(pid);
  if (!uid_mappings.empty()) {
    auto written = write_existing_file(proc + "/uid_map", format_mappings(uid_mappings));
    if (!written) return with_context(std::move(written), "linux.uidMappings");
  }
  if (!gid_mappings.empty()) {
    auto written = write_existing_file(proc + "/gid_map", format_mappings(gid_mappings));
    if (!written) return with_context(std::move(written), "linux.gidMappings");
  }
  return {};
}

Status write_time_offsets(const std::map<std::string, oci::TimeOffset>& offsets) {
  std::string text;
  for (const auto& [clock, offset] : offsets) text += fmt::format("{} {} {}\n", clock, offset.secs, offset.nanosecs);
  if (text.empty()) return {};
  auto written = write_existing_file("/proc/self/timens_offsets", text);
  if (!written) return with_context(std::move(written), "linux.timeOffsets");
  return {};
}

}  // namespace berth::runtime
