// ContainerService::update (docker update): new resource limits and restart
// policy, saved with the container and, when it runs, applied at once: the
// limits to its cgroup, the policy to the shim.conf its shim reads when the
// container exits.
#include <unistd.h>


#include "base/file_io.h"
#include "engine/container_record_json.h"
#include "engine/container_service.h"
#include "engine/host_facts.h"
#include "engine/shim_conf_edit.h"
#include "engine/spec_resources.h"
#include "runtime/container_ops.h"

namespace berth {

namespace {

void apply_update(HostConfig& host, const ContainerUpdate& update) {
  if (update.memory) host.memory = *update.memory;
  if (update.memory_reservation) host.memory_reservation = *update.memory_reservation;
  if (update.memory_swap) host.memory_swap = *update.memory_swap;
  if (update.nano_cpus) host.nano_cpus = *update.nano_cpus;
  if (update.cpu_shares) host.cpu_shares = *update.cpu_shares;
  if (update.cpu_period) host.cpu_period = *update.cpu_period;
  if (update.cpu_quota) host.cpu_quota = *update.cpu_quota;
  if (update.cpu_realtime_period) host.cpu_realtime_period = *update.cpu_realtime_period;
  if (update.cpu_realtime_runtime) host.cpu_realtime_runtime = *update.cpu_realtime_runtime;
  if (update.pids_limit) {
    // 0 and -1 both mean unlimited, as at create.
    host.pids_limit = *update.pids_limit > 0 ? std::optional<int64_t>(*update.pids_limit) : std::nullopt;
  }
  if (update.blkio_weight) host.blkio_weight = *update.blkio_weight;
  if (update.cpuset_cpus) host.cpuset_cpus = *update.cpuset_cpus;
  if (update.cpuset_mems) host.cpuset_mems = *update.cpuset_mems;
  if (update.restart_policy) host.restart_policy = *update.restart_policy;
}


}  // namespace

Status ContainerService::update(std::string_view name, const ContainerUpdate& update) {
  BERTH_ASSIGN(ContainerRecord found, lookup(name));
  BERTH_ASSIGN(auto held, lock(found.id));
  BERTH_ASSIGN(ContainerRecord record, lookup(found.id));
  BERTH_TRY(refresh(record));
  auto refuse = [&](const std::string& why) {
    return fail("Cannot update container {}: {}", record.id, why);
  };
  if (update.restart_policy && record.host.auto_remove && !update.restart_policy->name.empty() &&
      update.restart_policy->name != "no")
    return refuse("Restart policy cannot be updated because AutoRemove is enabled for the container");
  // Docker: a larger memory limit needs a larger swap limit in the same update.
  if (update.memory && !update.memory_swap && record.host.memory_swap > 0 && *update.memory > record.host.memory_swap)
    return refuse(
        "Memory limit should be smaller than already set memoryswap limit, update the memoryswap at the same time");
  HostConfig host = record.host;
  apply_update(host, update);
  long cpus = ::sysconf(_SC_NPROCESSORS_ONLN);
  if (auto valid = validate_resources(host, cpus > 0 ? static_cast<unsigned>(cpus) : 1); !valid)
    return refuse(valid.error().message);
  std::vector<std::string> warnings;
  auto resources = container_resources(host, host_is_cgroup_v2(), warnings);
  if (!resources) return refuse(resources.error().message);

  if (record.state.running()) {
    oci::Resources changed = *resources;
    // A limit lifted is written as "max"; what was never set stays out.
    if (update.pids_limit && !host.pids_limit) changed.pids = oci::Pids{-1};
    runtime::StateStore store(paths_of(record.id).runtime_root.string());
    if (auto applied = runtime::update_container(store, record.id, changed); !applied)
      return refuse(applied.error().message);
    if (update.restart_policy) {
      const RestartPolicy& policy = host.restart_policy;
      BERTH_TRY(rewrite_shim_conf(paths_of(record.id),
                                  {{"restart", policy.name.empty() ? "no" : policy.name},
                                   {"restart_max", std::to_string(policy.maximum_retry_count)}}));
    }
  }
  record.host = std::move(host);
  return images_.metadata().update_container_config(record.id, to_json(record.config).dump(),
                                                    to_json(record.host).dump());
}

}  // namespace berth
