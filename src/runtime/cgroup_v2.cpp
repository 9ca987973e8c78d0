// cgroup v2 (the unified hierarchy): one directory per container, resources
// converted from the spec's v1-shaped values the way runc converts them, and
// the device controller as an eBPF program.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "runtime/cgroup_devices.h"
#include "runtime/cgroup_fs.h"
#include "runtime/cgroup_impl.h"

namespace berth::runtime {

namespace cgroup2 {

namespace {

std::vector<std::string> split_words(std::string_view text) {
  std::vector<std::string> words;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t start = text.find_first_not_of(" \n", pos);
    if (start == std::string_view::npos) break;
    size_t end = text.find_first_of(" \n", start);
    if (end == std::string_view::npos) end = text.size();
    words.emplace_back(text.substr(start, end - start));
    pos = end;
  }
  return words;
}

std::string parent_of(const std::string& dir) { return dir.substr(0, dir.rfind('/')); }

// cpu.shares (2..262144) to cpu.weight (1..10000), as runc converts.
uint64_t shares_to_weight(uint64_t shares) {
  if (shares == 0) return 0;
  if (shares < 2) shares = 2;
  if (shares > 262144) shares = 262144;
  return 1 + ((shares - 2) * 9999) / 262142;
}

// blkio.weight (10..1000) to io.weight (1..10000).
uint64_t blkio_to_io_weight(uint64_t weight) {
  if (weight == 0) return 0;
  return 1 + (weight - 10) * 9999 / 990;
}

Status apply_memory(const std::string& dir, const oci::Memory& memory) {
  int64_t limit = memory.limit.value_or(0);
  int64_t swap = memory.swap.value_or(0);
  // memory.swap.max holds swap alone, where the spec (like v1's memsw) holds
  // memory + swap.
  std::optional<std::string> swap_value;
  if (limit == -1 && swap == 0) {
    swap_value = "max";
  } else if (swap == -1) {
    swap_value = "max";
  } else if (swap != 0) {
    if (limit == 0 || limit == -1) return fail("memory.swap {}: a swap limit needs a memory limit", swap);
    if (swap < limit) return fail("memory.swap {} is below memory.limit {}: swap counts memory + swap", swap, limit);
    swap_value = std::to_string(swap - limit);
  }
  if (swap_value) {
    auto written = cgroupfs::write(dir, "memory.swap.max", *swap_value);
    // No swap accounting: "max" (the only thing a memory-only request implies) is moot.
    bool implied = memory.swap.value_or(0) == 0 || *swap_value == "max";
    if (!written && !(written.error().errno_value == ENOENT && implied)) return written;
  }
  if (memory.limit && limit != 0)
    BERTH_TRY(cgroupfs::write(dir, "memory.max", limit < 0 ? std::string("max") : std::to_string(limit)));
  if (memory.reservation && *memory.reservation != 0)
    BERTH_TRY(cgroupfs::write(dir, "memory.low",
                              *memory.reservation < 0 ? std::string("max") : std::to_string(*memory.reservation)));
  // kernel, kernelTCP, swappiness and disableOOMKiller have no v2 knob; runc ignores them too.
  return {};
}

Status apply_cpu(const std::string& dir, const oci::Cpu& cpu) {
  if (cpu.realtime_runtime.value_or(0) != 0 || cpu.realtime_period.value_or(0) != 0)
    return fail("cpu.realtimeRuntime/realtimePeriod: not supported by cgroup v2");
  if (cpu.shares && *cpu.shares != 0)
    BERTH_TRY(cgroupfs::write(dir, "cpu.weight", std::to_string(shares_to_weight(*cpu.shares))));
  if (cpu.idle) BERTH_TRY(cgroupfs::write(dir, "cpu.idle", std::to_string(*cpu.idle)));
  int64_t quota = cpu.quota.value_or(0);
  uint64_t period = cpu.period.value_or(0);
  if (quota != 0 || period != 0) {
    std::string value = quota > 0 ? std::to_string(quota) : std::string("max");
    if (period != 0) value += " " + std::to_string(period);
    BERTH_TRY(cgroupfs::write(dir, "cpu.max", value));
  }
  if (cpu.burst) BERTH_TRY(cgroupfs::write(dir, "cpu.max.burst", std::to_string(*cpu.burst)));
  if (!cpu.cpus.empty()) BERTH_TRY(cgroupfs::write(dir, "cpuset.cpus", cpu.cpus));
  if (!cpu.mems.empty()) BERTH_TRY(cgroupfs::write(dir, "cpuset.mems", cpu.mems));
  return {};
}

Status apply_io(const std::string& dir, const oci::BlockIo& io) {
  if (io.weight && *io.weight != 0) {
    auto bfq = cgroupfs::write(dir, "io.bfq.weight", std::to_string(*io.weight));
    if (!bfq) {
      if (bfq.error().errno_value != ENOENT) return bfq;
      BERTH_TRY(cgroupfs::write(dir, "io.weight", std::to_string(blkio_to_io_weight(*io.weight))));
    }
  }
  for (const auto& device : io.weight_device) {
    if (!device.weight) continue;  // leaf weights have no v2 equivalent
    BERTH_TRY(
        cgroupfs::write(dir, "io.bfq.weight", fmt::format("{}:{} {}", device.major, device.minor, *device.weight)));
  }
  auto throttle = [&](const std::vector<oci::ThrottleDevice>& devices, std::string_view key) -> Status {
    for (const auto& device : devices)
      BERTH_TRY(cgroupfs::write(dir, "io.max",
                                fmt::format("{}:{} {}={}", device.major, device.minor, key,
                                            device.rate == 0 ? std::string("max") : std::to_string(device.rate))));
    return {};
  };
  BERTH_TRY(throttle(io.throttle_read_bps_device, "rbps"));
  BERTH_TRY(throttle(io.throttle_write_bps_device, "wbps"));
  BERTH_TRY(throttle(io.throttle_read_iops_device, "riops"));
  BERTH_TRY(throttle(io.throttle_write_iops_device, "wiops"));
  return {};
}

}  // namespace

std::vector<std::string> controllers_for_unified_keys(const std::map<std::string, std::string>& unified) {
  std::vector<std::string> controllers;
  for (const auto& [key, value] : unified) {
    size_t dot = key.find('.');
    if (dot == std::string::npos) continue;
    std::string controller = key.substr(0, dot);
    if (controller == "cgroup") continue;  // core files need no controller
    if (std::find(controllers.begin(), controllers.end(), controller) == controllers.end())
      controllers.push_back(controller);
  }
  return controllers;
}

Status enable_controllers(const std::string& mount, const std::string& dir, const std::vector<std::string>& wanted,
                          const CreatedDirs* created) {
  BERTH_ASSIGN(std::string available_text, cgroupfs::read(mount, "cgroup.controllers"));
  std::vector<std::string> available = split_words(available_text);
  std::vector<std::string> target;
  if (wanted.empty()) {
    target = available;
  } else {
    for (const auto& controller : wanted) {
      if (std::find(available.begin(), available.end(), controller) == available.end())
        return fail("cgroup controller \"{}\" is not available in {} (offered: {})", controller, mount,
                    available_text.empty() ? std::string("none") : available_text);
      target.push_back(controller);
    }
  }
  if (target.empty()) return {};

  // Levels from the root down to dir's parent.
  std::vector<std::string> levels;
  for (std::string level = parent_of(dir); level.size() >= mount.size(); level = parent_of(level)) {
    levels.push_back(level);
    if (level.size() == mount.size()) break;
  }
  std::reverse(levels.begin(), levels.end());
  for (const auto& level : levels) {
    std::vector<std::string> missing;
    if (created != nullptr && created->contains(level)) {
      missing = target;
    } else {
      BERTH_ASSIGN(std::string enabled_text, cgroupfs::read(level, "cgroup.subtree_control"));
      std::vector<std::string> enabled = split_words(enabled_text);
      for (const auto& controller : target)
        if (std::find(enabled.begin(), enabled.end(), controller) == enabled.end()) missing.push_back(controller);
    }
    if (missing.empty()) continue;
    std::string request;
    for (const auto& controller : missing) request += (request.empty() ? "+" : " +") + controller;
    if (cgroupfs::write(level, "cgroup.subtree_control", request)) continue;
    // One refused controller fails the whole write: enable them one by one.
    // Those still refused are left off when every controller was asked for
    // (runc does the same); a controller asked for by name must succeed.
    for (const auto& controller : missing) {
      auto one = cgroupfs::write(level, "cgroup.subtree_control", "+" + controller);
      if (!one && !wanted.empty()) return one;
    }
  }
  return {};
}

Status apply_hugetlb(const std::string& dir, const std::vector<oci::HugepageLimit>& limits) {
  for (const auto& limit : limits)
    BERTH_TRY(cgroupfs::write(dir, fmt::format("hugetlb.{}.max", limit.page_size), std::to_string(limit.limit)));
  return {};
}

Status apply_unified(const std::string& dir, const std::map<std::string, std::string>& unified) {
  for (const auto& [key, value] : unified) {
    if (key.empty() || key.find('/') != std::string::npos || key == "." || key == "..")
      return fail("unified resource \"{}\": not a cgroup file name", key);
    auto written = cgroupfs::write(dir, key, value);
    if (!written && written.error().errno_value == ENOENT)
      return fail("unified resource \"{}\": {}/{} does not exist (is its controller available?)", key, dir, key);
    BERTH_TRY(written);
  }
  return {};
}

Status apply_resources(const std::string& dir, const oci::Resources& resources, bool fresh) {
  if (resources.memory) BERTH_TRY(apply_memory(dir, *resources.memory));
  if (resources.cpu) BERTH_TRY(apply_cpu(dir, *resources.cpu));
  if (resources.pids && resources.pids->limit != 0)
    BERTH_TRY(cgroupfs::write(dir, "pids.max",
                              resources.pids->limit > 0 ? std::to_string(resources.pids->limit) : std::string("max")));
  if (resources.block_io) BERTH_TRY(apply_io(dir, *resources.block_io));
  BERTH_TRY(apply_hugetlb(dir, resources.hugepage_limits));
  // network (net_cls/net_prio) has no v2 controller: ignored, as runc does.
  if (!resources.devices.empty()) BERTH_TRY(apply_device_filter(dir, effective_device_rules(resources.devices), fresh));
  // Last, so that explicit unified values win over converted ones.
  BERTH_TRY(apply_unified(dir, resources.unified));
  return {};
}

Status set_frozen(const std::string& dir, bool frozen) {
  BERTH_TRY(cgroupfs::write(dir, "cgroup.freeze", frozen ? "1" : "0"));
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  for (int round = 0;; ++round) {
    BERTH_ASSIGN(bool now, is_frozen(dir));
    if (now == frozen) return {};
    if (std::chrono::steady_clock::now() > deadline)
      return fail("{} {}: cgroup.events did not report frozen {} within 10s", frozen ? "freeze" : "thaw", dir,
                  frozen ? 1 : 0);
    std::this_thread::sleep_for(std::chrono::microseconds(round < 20 ? 200 : 5000));
  }
}

Result<bool> is_frozen(const std::string& dir) {
  BERTH_ASSIGN(std::string events, cgroupfs::read(dir, "cgroup.events"));
  return cgroupfs::keyed_value(events, "frozen") == 1;
}

}  // namespace cgroup2

namespace {

class CgroupV2 final : public Cgroup {
 public:
  CgroupV2(std::string mount, std::string dir) : mount_(std::move(mount)), dir_(std::move(dir)) {}

  nlohmann::json to_state() const override { return {{"layout", "v2"}, {"mount", mount_}, {"dir", dir_}}; }
  std::vector<std::string> directories() const override { return {dir_}; }

  Status add_process(pid_t pid) override { return cgroupfs::write(dir_, "cgroup.procs", std::to_string(pid)); }

  Result<UniqueFd> open_for_clone() const override {
    UniqueFd fd(::open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!fd) return fail_errno(errno, "open {}", dir_);
    return fd;
  }

  Status join_self() const override { return {}; }

  Status update(const oci::Resources& resources) override {
    // A controller the container did not have yet (say hugetlb) must be enabled first.
    BERTH_TRY(cgroup2::enable_controllers(mount_, dir_, {}, nullptr));
    return cgroup2::apply_resources(dir_, resources, false);
  }

  Status freeze() override { return cgroup2::set_frozen(dir_, true); }
  Status thaw() override { return cgroup2::set_frozen(dir_, false); }
  Result<bool> frozen() const override { return cgroup2::is_frozen(dir_); }

  Result<std::vector<pid_t>> processes() const override {
    std::vector<pid_t> pids;
    BERTH_TRY(cgroupfs::collect_procs(dir_, pids));
    return pids;
  }

  Result<CgroupStats> stats() const override {
    CgroupStats stats;
    auto optional_read = [&](std::string_view name) -> Result<std::string> {
      auto content = cgroupfs::read(dir_, name);
      if (!content && content.error().errno_value == ENOENT) return std::string();
      return content;
    };
    auto number = [&](std::string_view name, uint64_t if_max) -> Result<uint64_t> {
      auto value = cgroupfs::read_u64(dir_, name);
      if (!value) {
        if (value.error().errno_value == ENOENT) return uint64_t{0};
        return std::unexpected(std::move(value.error()));
      }
      return value->value_or(if_max);
    };
    BERTH_ASSIGN(std::string cpu, optional_read("cpu.stat"));
    stats.cpu_usage_total_ns = cgroupfs::keyed_value(cpu, "usage_usec") * 1000;
    stats.cpu_usage_user_ns = cgroupfs::keyed_value(cpu, "user_usec") * 1000;
    stats.cpu_usage_kernel_ns = cgroupfs::keyed_value(cpu, "system_usec") * 1000;
    stats.cpu_periods = cgroupfs::keyed_value(cpu, "nr_periods");
    stats.cpu_throttled_periods = cgroupfs::keyed_value(cpu, "nr_throttled");
    stats.cpu_throttled_time_ns = cgroupfs::keyed_value(cpu, "throttled_usec") * 1000;

    constexpr uint64_t unlimited = UINT64_MAX;
    BERTH_ASSIGN(stats.memory_usage, number("memory.current", 0));
    BERTH_ASSIGN(stats.memory_limit, number("memory.max", unlimited));
    BERTH_ASSIGN(stats.memory_max_usage, number("memory.peak", 0));
    BERTH_ASSIGN(std::string events, optional_read("memory.events"));
    stats.memory_failcnt = cgroupfs::keyed_value(events, "max");
    // Reported like v1's memsw (memory + swap), the shape runc reports too.
    BERTH_ASSIGN(uint64_t swap_only, number("memory.swap.current", 0));
    BERTH_ASSIGN(uint64_t swap_max, number("memory.swap.max", unlimited));
    stats.swap_usage = stats.memory_usage + swap_only;
    stats.swap_limit =
        (swap_max == unlimited || stats.memory_limit == unlimited) ? unlimited : swap_max + stats.memory_limit;

    BERTH_ASSIGN(stats.pids_current, number("pids.current", 0));
    BERTH_ASSIGN(stats.pids_limit, number("pids.max", 0));
    BERTH_ASSIGN(std::string memory_stat, optional_read("memory.stat"));
    stats.memory_inactive_file = cgroupfs::keyed_value(memory_stat, "inactive_file");
    BERTH_ASSIGN(std::string io, optional_read("io.stat"));
    stats.io_read_bytes = cgroupfs::sum_device_field(io, "rbytes=");
    stats.io_write_bytes = cgroupfs::sum_device_field(io, "wbytes=");
    return stats;
  }

  Status destroy() override { return cgroupfs::remove_tree(dir_); }

 private:
  std::string mount_, dir_;
};

}  // namespace

std::unique_ptr<Cgroup> open_cgroup_v2(std::string mount, std::string dir) {
  return std::make_unique<CgroupV2>(std::move(mount), std::move(dir));
}

Result<std::unique_ptr<Cgroup>> create_cgroup_v2(const std::string& mount, const std::string& dir,
                                                 const oci::Resources* resources) {
  CreatedDirs created;
  BERTH_TRY(cgroupfs::make_dirs(dir, created.list()));
  BERTH_TRY(cgroup2::enable_controllers(mount, dir, {}, &created));
  if (resources != nullptr) BERTH_TRY(cgroup2::apply_resources(dir, *resources, created.contains(dir)));
  created.commit();
  return open_cgroup_v2(mount, dir);
}

}  // namespace berth::runtime
