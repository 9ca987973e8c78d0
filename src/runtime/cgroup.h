// A container's cgroup, whatever the host's layout: cgroup v1 (one directory
// per mounted controller hierarchy), v2 (the unified tree), or hybrid (v1
// controllers with some on the cgroup2 mount, as these machines boot).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

#include "base/result.h"
#include "base/unique_fd.h"
#include "oci/runtime_spec.h"

namespace berth::runtime {

struct CgroupStats {
  uint64_t cpu_usage_total_ns = 0, cpu_usage_user_ns = 0, cpu_usage_kernel_ns = 0;
  uint64_t cpu_periods = 0, cpu_throttled_periods = 0, cpu_throttled_time_ns = 0;
  uint64_t memory_usage = 0, memory_limit = 0, memory_max_usage = 0, memory_failcnt = 0;
  uint64_t swap_usage = 0, swap_limit = 0;
  uint64_t pids_current = 0, pids_limit = 0;
  // What docker stats subtracts from the usage (page cache that can be dropped), and block I/O.
  uint64_t memory_inactive_file = 0;
  uint64_t io_read_bytes = 0, io_write_bytes = 0;
  // runc's `events --stats` JSON shape ("data": {"cpu":…, "memory":…, "pids":…}).
  nlohmann::json to_json() const;
};

class Cgroup {
 public:
  virtual ~Cgroup() = default;

  // Creates the container's cgroup(s) for `cgroups_path` (spec linux.cgroupsPath:
  // "/a/b" below each hierarchy's root, "a/b" below the runtime's own cgroup;
  // empty means "/berth/<container_id>"; ".." and the systemd "slice:prefix:name"
  // form are rejected) and applies `resources` (may be null). Detects the
  // layout (v1, v2, hybrid) once; the object keeps it. When resources.devices
  // is non-empty, runc's default device allow list is appended to it.
  // On error nothing is left behind.
  static Result<std::unique_ptr<Cgroup>> create(const std::string& cgroups_path, const std::string& container_id,
                                                const oci::Resources* resources);
  // create() in two steps, for a runtime that makes the slow part while the
  // init it cloned sets itself up: begin_create() makes what a clone into
  // the cgroup needs. On a hybrid host that is the cgroup2 directory alone,
  // and creation_pending() is then true until finish_create() has made the
  // v1 hierarchies' directories (a dozen mkdirs, ~0.4 ms) and applied
  // `resources`; join_self() must wait for that. On v1 and v2 hosts
  // begin_create() is create().
  static Result<std::unique_ptr<Cgroup>> begin_create(const std::string& cgroups_path, const std::string& container_id,
                                                      const oci::Resources* resources);
  virtual bool creation_pending() const { return false; }
  virtual Status finish_create() { return {}; }
  // Re-opens a cgroup from what to_state() saved (no layout detection).
  static Result<std::unique_ptr<Cgroup>> from_state(const nlohmann::json& saved);

  // {"layout":"v2","mount":..,"dir":..} or {"layout":"v1"|"hybrid","dirs":{controller:dir},
  //  "mounts":{controller:mount}[,"unified_dir":..,"unified_mount":..]}
  virtual nlohmann::json to_state() const = 0;
  // Moves another process in (exec's fallback, and for callers like podman).
  virtual Status add_process(pid_t pid) = 0;

  // The fast way in for a process the runtime is about to create. Moving a
  // whole process between cgroups makes the kernel take a global lock that
  // first waits out an RCU grace period (5 to 20 ms here, on every container
  // start). Two ways in skip it: a child born in its cgroup (clone3 with
  // CLONE_INTO_CGROUP: the fd from open_for_clone(), cgroup v2 only), and a
  // thread moving itself ("0" written to a v1 `tasks` file: join_self(),
  // called by the single-threaded child for the v1 hierarchies).
  virtual Result<UniqueFd> open_for_clone() const = 0;  // invalid fd: no cgroup2 part
  virtual Status join_self() const = 0;
  virtual Status update(const oci::Resources& resources) = 0;
  virtual Status freeze() = 0;
  virtual Status thaw() = 0;
  virtual Result<bool> frozen() const = 0;
  virtual Result<std::vector<pid_t>> processes() const = 0;  // every pid, recursively
  virtual Result<CgroupStats> stats() const = 0;
  // Removes the directories (processes must be gone); tolerant of ENOENT.
  virtual Status destroy() = 0;
  // The container's own directories, one per hierarchy: what destroy() removes.
  virtual std::vector<std::string> directories() const = 0;
};

// destroy() for directories() saved earlier, once their processes are gone
// (a client that left them to someone else); tolerant of ENOENT.
Status remove_cgroup_directories(const std::vector<std::string>& dirs);

}  // namespace berth::runtime
