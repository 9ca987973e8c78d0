// update: a container's resource limits and restart policy, changed in place.
#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/container_each.h"
#include "cli/flag_values.h"
#include "cli/volume_flags.h"

namespace berth::cli {

int command_update(Invocation& invocation) {
  std::string memory, memory_reservation, memory_swap, cpus, cpu_shares, cpu_period, cpu_quota, cpu_rt_period,
      cpu_rt_runtime, pids_limit, blkio_weight, cpuset_cpus, cpuset_mems, restart;
  auto& flags = invocation.flags();
  flags.add_option("--blkio-weight", blkio_weight,
                   "Block IO (relative weight), between 10 and 1000, or 0 to disable (default 0)")
      ->type_name("uint16");
  flags.add_option("--cpu-period", cpu_period, "Limit CPU CFS (Completely Fair Scheduler) period")->type_name("int");
  flags.add_option("--cpu-quota", cpu_quota, "Limit CPU CFS (Completely Fair Scheduler) quota")->type_name("int");
  flags.add_option("--cpu-rt-period", cpu_rt_period, "Limit the CPU real-time period in microseconds")
      ->type_name("int");
  flags.add_option("--cpu-rt-runtime", cpu_rt_runtime, "Limit the CPU real-time runtime in microseconds")
      ->type_name("int");
  flags.add_option("-c,--cpu-shares", cpu_shares, "CPU shares (relative weight)")->type_name("int");
  flags.add_option("--cpus", cpus, "Number of CPUs")->type_name("decimal");
  flags.add_option("--cpuset-cpus", cpuset_cpus, "CPUs in which to allow execution (0-3, 0,1)")->type_name("string");
  flags.add_option("--cpuset-mems", cpuset_mems, "MEMs in which to allow execution (0-3, 0,1)")->type_name("string");
  flags.add_option("-m,--memory", memory, "Memory limit")->type_name("bytes");
  flags.add_option("--memory-reservation", memory_reservation, "Memory soft limit")->type_name("bytes");
  flags.add_option("--memory-swap", memory_swap, "Swap limit equal to memory plus swap: -1 to enable unlimited swap")
      ->type_name("bytes");
  flags.add_option("--pids-limit", pids_limit, "Tune container pids limit (set -1 for unlimited)")->type_name("int");
  flags.add_option("--restart", restart, "Restart policy to apply when a container exits")->type_name("string");
  if (auto status = invocation.parse({1, -1})) return *status;

  // Each flag given is parsed as docker's pflag types it; its error names it.
  ContainerUpdate update;
  std::optional<int> bad;
  auto given = [&](const char* flag) { return flags.count(flag) > 0; };
  auto value_error = [&](const std::string& text, std::string_view flag, const Error& error) {
    bad = flag_value_error(invocation, text, flag, error.message);
  };
  auto size = [&](const char* flag, std::string_view shown, const std::string& text, std::optional<int64_t>& out) {
    if (bad || !given(flag)) return;
    if (text == "-1" && std::string_view(flag) == "--memory-swap") {
      out = -1;
      return;
    }
    if (auto parsed = ram_in_bytes(text)) out = *parsed;
    else value_error(text, shown, parsed.error());
  };
  auto integer = [&](const char* flag, std::string_view shown, const std::string& text, std::optional<int64_t>& out) {
    if (bad || !given(flag)) return;
    if (auto parsed = parse_go_int(text, 64)) out = *parsed;
    else value_error(text, shown, parsed.error());
  };
  size("--memory", "-m, --memory", memory, update.memory);
  size("--memory-reservation", "--memory-reservation", memory_reservation, update.memory_reservation);
  size("--memory-swap", "--memory-swap", memory_swap, update.memory_swap);
  integer("--cpu-shares", "-c, --cpu-shares", cpu_shares, update.cpu_shares);
  integer("--cpu-period", "--cpu-period", cpu_period, update.cpu_period);
  integer("--cpu-quota", "--cpu-quota", cpu_quota, update.cpu_quota);
  integer("--cpu-rt-period", "--cpu-rt-period", cpu_rt_period, update.cpu_realtime_period);
  integer("--cpu-rt-runtime", "--cpu-rt-runtime", cpu_rt_runtime, update.cpu_realtime_runtime);
  integer("--pids-limit", "--pids-limit", pids_limit, update.pids_limit);
  if (!bad && given("--cpus")) {
    if (auto parsed = parse_nano_cpus(cpus)) update.nano_cpus = *parsed;
    else value_error(cpus, "--cpus", parsed.error());
  }
  if (!bad && given("--blkio-weight")) {
    if (auto parsed = parse_go_uint(blkio_weight, 16)) update.blkio_weight = static_cast<uint16_t>(*parsed);
    else value_error(blkio_weight, "--blkio-weight", parsed.error());
  }
  if (bad) return *bad;
  if (given("--cpuset-cpus")) update.cpuset_cpus = cpuset_cpus;
  if (given("--cpuset-mems")) update.cpuset_mems = cpuset_mems;
  CommandEnv& env = invocation.env;
  if (given("--restart")) {
    auto policy = parse_restart_policy(restart);
    if (!policy) return env.report(policy.error());
    update.restart_policy = *policy;
  }
  bool any = false;
  for (const auto& option : flags.get_options())
    if (option->count() > 0 && option->get_name() != "--help") any = true;
  if (!any) return env.report(Error{"you must provide one or more flags when using this command"});
  return for_each_container(invocation, [&](ContainerService& containers, const std::string& name) -> Status {
    BERTH_TRY(containers.update(name, update));
    env.out(name + "\n");
    return {};
  });
}

}  // namespace berth::cli
