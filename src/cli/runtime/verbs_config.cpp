// spec, features, update: configuration in and out.
#include <sys/stat.h>
#include <unistd.h>

#include "base/file_io.h"
#include "cli/runtime/default_spec.h"
#include "cli/runtime/features.h"
#include "cli/runtime/size_value.h"
#include "cli/runtime/verbs.h"
#include "runtime/container_ops.h"

namespace berth::cli {

int verb_spec(const Globals& globals, const std::string& bundle, bool rootless) {
  std::string path = bundle + "/config.json";
  struct stat info {};
  if (::stat(path.c_str(), &info) == 0) return globals.report(Error{"File " + path + " exists. Remove it first"});
  if (auto written = write_file_atomic(path, default_spec(rootless).dump(1, '\t') + "\n", 0644); !written)
    return globals.report(written.error());
  return 0;
}

int verb_features(const Globals&) {
  fmt::print("{}\n", runtime_features().dump(4));
  return 0;
}

namespace {

Result<int64_t> parse_number(const std::string& text, const char* flag) {
  char* end = nullptr;
  long long value = std::strtoll(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0') return fail("{}: invalid number \"{}\"", flag, text);
  return value;
}

// Flags override what --resources gave, field by field, as runc does.
Status apply_update_flags(const UpdateFlags& flags, oci::Resources& resources) {
  auto size_into = [](const std::string& text, const char* flag, std::optional<int64_t>& field) -> Status {
    if (text.empty()) return {};
    auto size = parse_size(text);
    if (!size) return fail("{}: {}", flag, size.error().message);
    field = *size;
    return {};
  };
  if (!flags.memory.empty() || !flags.memory_reservation.empty() || !flags.memory_swap.empty() ||
      !flags.kernel_memory.empty() || !flags.kernel_memory_tcp.empty()) {
    auto& memory = resources.memory ? *resources.memory : resources.memory.emplace();
    BERTH_TRY(size_into(flags.memory, "--memory", memory.limit));
    BERTH_TRY(size_into(flags.memory_reservation, "--memory-reservation", memory.reservation));
    BERTH_TRY(size_into(flags.memory_swap, "--memory-swap", memory.swap));
    BERTH_TRY(size_into(flags.kernel_memory, "--kernel-memory", memory.kernel));
    BERTH_TRY(size_into(flags.kernel_memory_tcp, "--kernel-memory-tcp", memory.kernel_tcp));
  }
  auto number_into = [](const std::string& text, const char* flag, auto& field) -> Status {
    if (text.empty()) return {};
    BERTH_ASSIGN(int64_t number, parse_number(text, flag));
    if (number < 0 && std::is_unsigned_v<typename std::remove_reference_t<decltype(field)>::value_type>)
      return fail("{}: {} must not be negative", flag, number);
    field = static_cast<typename std::remove_reference_t<decltype(field)>::value_type>(number);
    return {};
  };
  if (!flags.cpu_period.empty() || !flags.cpu_quota.empty() || !flags.cpu_share.empty() ||
      !flags.cpu_rt_period.empty() || !flags.cpu_rt_runtime.empty() || !flags.cpuset_cpus.empty() ||
      !flags.cpuset_mems.empty()) {
    auto& cpu = resources.cpu ? *resources.cpu : resources.cpu.emplace();
    BERTH_TRY(number_into(flags.cpu_period, "--cpu-period", cpu.period));
    BERTH_TRY(number_into(flags.cpu_quota, "--cpu-quota", cpu.quota));
    BERTH_TRY(number_into(flags.cpu_share, "--cpu-share", cpu.shares));
    BERTH_TRY(number_into(flags.cpu_rt_period, "--cpu-rt-period", cpu.realtime_period));
    BERTH_TRY(number_into(flags.cpu_rt_runtime, "--cpu-rt-runtime", cpu.realtime_runtime));
    if (!flags.cpuset_cpus.empty()) cpu.cpus = flags.cpuset_cpus;
    if (!flags.cpuset_mems.empty()) cpu.mems = flags.cpuset_mems;
  }
  if (!flags.pids_limit.empty()) {
    BERTH_ASSIGN(int64_t limit, parse_number(flags.pids_limit, "--pids-limit"));
    resources.pids = oci::Pids{limit};
  }
  if (!flags.blkio_weight.empty()) {
    BERTH_ASSIGN(int64_t weight, parse_number(flags.blkio_weight, "--blkio-weight"));
    if (weight < 10 || weight > 1000) return fail("--blkio-weight: {} is outside 10..1000", weight);
    auto& io = resources.block_io ? *resources.block_io : resources.block_io.emplace();
    io.weight = static_cast<uint16_t>(weight);
  }
  return {};
}

}  // namespace

int verb_update(const Globals& globals, const UpdateFlags& flags) {
  oci::Resources resources;
  if (!flags.resources_file.empty()) {
    auto text = flags.resources_file == "-" ? read_file("/dev/stdin") : read_file(flags.resources_file);
    if (!text) return globals.report(std::move(text.error()).context("update --resources"));
    auto parsed = oci::parse_resources(*text);
    if (!parsed) return globals.report(std::move(parsed.error()).context("update --resources " + flags.resources_file));
    resources = std::move(*parsed);
  }
  if (auto applied = apply_update_flags(flags, resources); !applied)
    return globals.report(std::move(applied.error()).context("update " + flags.id));
  if (auto updated = runtime::update_container(globals.store(), flags.id, resources); !updated)
    return globals.report(std::move(updated.error()).context("update " + flags.id));
  return 0;
}

}  // namespace berth::cli
