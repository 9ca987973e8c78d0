// cgroup v1 (one directory per mounted controller hierarchy), and the hybrid
// layout: v1 controllers plus a cgroup2 mount, where the container also gets
// a directory (and where controllers bound to v2, such as hugetlb, are set).
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <thread>

#include "base/unique_fd.h"
#include "runtime/cgroup_devices.h"
#include "runtime/cgroup_fs.h"
#include "runtime/cgroup_impl.h"

namespace berth::runtime {

namespace {

std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    if (!line.empty()) lines.push_back(line);
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return lines;
}

}  // namespace

namespace {

std::string parent_of(const std::string& dir) { return dir.substr(0, dir.rfind('/')); }

std::string number_or_max(int64_t value) { return value < 0 ? std::string("-1") : std::to_string(value); }

class CgroupV1 final : public Cgroup {
 public:
  explicit CgroupV1(CgroupV1Paths paths) : paths_(std::move(paths)) {
    for (const auto& [controller, dir] : paths_.controller_dirs)
      if (std::find(dirs_.begin(), dirs_.end(), dir) == dirs_.end()) dirs_.push_back(dir);
  }

  const std::vector<std::string>& hierarchy_dirs() const { return dirs_; }
  const CgroupV1Paths& paths() const { return paths_; }

  nlohmann::json to_state() const override {
    nlohmann::json state = {{"layout", paths_.unified_dir.empty() ? "v1" : "hybrid"},
                            {"dirs", paths_.controller_dirs},
                            {"mounts", paths_.controller_mounts}};
    if (!paths_.unified_dir.empty()) {
      state["unified_dir"] = paths_.unified_dir;
      state["unified_mount"] = paths_.unified_mount;
    }
    return state;
  }

  Result<UniqueFd> open_for_clone() const override {
    if (paths_.unified_dir.empty()) return UniqueFd();
    UniqueFd fd(::open(paths_.unified_dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!fd) return fail_errno(errno, "open {}", paths_.unified_dir);
    return fd;
  }

  Status join_self() const override {
    for (const auto& dir : dirs_) BERTH_TRY(cgroupfs::write(dir, "tasks", "0"));
    return {};
  }

  Status add_process(pid_t pid) override {
    std::string text = std::to_string(pid);
    for (const auto& dir : dirs_) BERTH_TRY(cgroupfs::write(dir, "cgroup.procs", text));
    if (!paths_.unified_dir.empty()) BERTH_TRY(cgroupfs::write(paths_.unified_dir, "cgroup.procs", text));
    return {};
  }

  Status apply(const oci::Resources& resources, bool fresh, const CreatedDirs* created);

  // Creation (begin_cgroup_v1): what was made so far, removed again unless
  // finish_create() gets through.
  void begin_creation(const oci::Resources* resources) {
    creating_ = std::make_unique<CreatedDirs>();
    if (resources) resources_ = *resources;
  }
  std::vector<std::string>& creating_dirs() { return creating_->list(); }
  bool creation_pending() const override { return creating_ != nullptr; }
  Status finish_create() override;

  Status update(const oci::Resources& resources) override { return apply(resources, false, nullptr); }

  Status freeze() override { return set_freezer("FROZEN"); }
  Status thaw() override { return set_freezer("THAWED"); }

  Result<bool> frozen() const override {
    BERTH_ASSIGN(const std::string* dir, need("freezer", "the freezer state"));
    BERTH_ASSIGN(std::string state, cgroupfs::read_trimmed(*dir, "freezer.state"));
    return state == "FROZEN";
  }

  Result<std::vector<pid_t>> processes() const override {
    // Any one hierarchy holds every process; prefer those that nothing else moves tasks in.
    const std::string* dir = nullptr;
    for (const char* controller : {"freezer", "pids", "memory", "devices"})
      if ((dir = find(controller)) != nullptr) break;
    if (dir == nullptr && !dirs_.empty()) dir = &dirs_.front();
    if (dir == nullptr) dir = &paths_.unified_dir;
    std::vector<pid_t> pids;
    BERTH_TRY(cgroupfs::collect_procs(*dir, pids));
    return pids;
  }

  Result<CgroupStats> stats() const override;

  std::vector<std::string> directories() const override {
    std::vector<std::string> all = dirs_;
    if (!paths_.unified_dir.empty()) all.push_back(paths_.unified_dir);
    return all;
  }

  Status destroy() override {
    Status result;
    for (const auto& dir : dirs_) {
      auto removed = cgroupfs::remove_tree(dir);
      if (!removed && result) result = std::move(removed);
    }
    if (!paths_.unified_dir.empty()) {
      auto removed = cgroupfs::remove_tree(paths_.unified_dir);
      if (!removed && result) result = std::move(removed);
    }
    return result;
  }

  const std::string* find(std::string_view controller) const {
    auto it = paths_.controller_dirs.find(std::string(controller));
    return it == paths_.controller_dirs.end() ? nullptr : &it->second;
  }

  Result<const std::string*> need(std::string_view controller, std::string_view what) const {
    if (const std::string* dir = find(controller)) return dir;
    return fail("{}: the {} cgroup controller is not mounted", what, controller);
  }

 private:
  Status set_freezer(std::string_view target);
  Status apply_memory(const oci::Memory& memory, bool fresh);
  Status apply_cpu(const oci::Cpu& cpu);
  Status apply_block_io(const oci::BlockIo& io);
  Status apply_devices(const std::vector<oci::DeviceRule>& rules, bool fresh);
  Status apply_unified_side(const oci::Resources& resources, const CreatedDirs* created);

  CgroupV1Paths paths_;
  std::vector<std::string> dirs_;  // one per hierarchy (co-mounted controllers share one)
  std::unique_ptr<CreatedDirs> creating_;  // until finish_create()
  std::optional<oci::Resources> resources_;
};

Status CgroupV1::set_freezer(std::string_view target) {
  BERTH_ASSIGN(const std::string* dir, need("freezer", "freeze"));
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  for (int round = 0;; ++round) {
    // Writing again nudges a freeze that stalled in FREEZING (as runc does).
    BERTH_TRY(cgroupfs::write(*dir, "freezer.state", target));
    BERTH_ASSIGN(std::string state, cgroupfs::read_trimmed(*dir, "freezer.state"));
    if (state == target) return {};
    if (std::chrono::steady_clock::now() > deadline)
      return fail("{}/freezer.state stayed {} instead of {} for 10s", *dir, state, target);
    std::this_thread::sleep_for(std::chrono::microseconds(round < 20 ? 200 : 5000));
  }
}

Status CgroupV1::apply_memory(const oci::Memory& memory, bool fresh) {
  bool any = memory.limit || memory.reservation || memory.swap || memory.kernel_tcp || memory.swappiness ||
             memory.disable_oom_killer.value_or(false) || memory.use_hierarchy;
  if (!any) return {};
  BERTH_ASSIGN(const std::string* found, need("memory", "linux.resources.memory"));
  const std::string& dir = *found;
  int64_t limit = memory.limit.value_or(0);
  int64_t swap = memory.swap.value_or(0);

  if (!fresh && memory.check_before_update.value_or(false) && limit > 0) {
    BERTH_ASSIGN(auto usage, cgroupfs::read_u64(dir, "memory.usage_in_bytes"));
    if (usage && static_cast<uint64_t>(limit) < *usage)
      return fail("memory limit {} is below the current usage {} of {}", limit, *usage, dir);
  }
  // Unlimited memory with no swap value means unlimited swap too. A fresh
  // cgroup's memsw is unlimited already.
  if (limit == -1 && swap == 0 && !fresh &&
      ::access(cgroupfs::join(dir, "memory.memsw.limit_in_bytes").c_str(), F_OK) == 0)
    swap = -1;
  // The kernel keeps memory.limit <= memsw.limit at every step, so the order
  // of the two writes depends on whether the limits grow or shrink.
  bool swap_first = false;
  if (limit != 0 && swap != 0) {
    if (swap == -1) {
      swap_first = true;
    } else if (!fresh) {
      BERTH_ASSIGN(auto current, cgroupfs::read_u64(dir, "memory.limit_in_bytes"));
      swap_first = current && *current < static_cast<uint64_t>(swap);
    }
  }
  if (swap_first) BERTH_TRY(cgroupfs::write(dir, "memory.memsw.limit_in_bytes", number_or_max(swap)));
  if (limit != 0) BERTH_TRY(cgroupfs::write(dir, "memory.limit_in_bytes", number_or_max(limit)));
  if (!swap_first && swap != 0) BERTH_TRY(cgroupfs::write(dir, "memory.memsw.limit_in_bytes", number_or_max(swap)));

  if (memory.reservation && *memory.reservation != 0)
    BERTH_TRY(cgroupfs::write(dir, "memory.soft_limit_in_bytes", number_or_max(*memory.reservation)));
  // memory.kernel is deprecated and gone from current kernels: ignored, as runc does.
  if (memory.kernel_tcp && *memory.kernel_tcp != 0)
    BERTH_TRY(cgroupfs::write(dir, "memory.kmem.tcp.limit_in_bytes", number_or_max(*memory.kernel_tcp)));
  if (memory.swappiness) {
    if (*memory.swappiness > 100) return fail("memory.swappiness {}: must be between 0 and 100", *memory.swappiness);
    BERTH_TRY(cgroupfs::write(dir, "memory.swappiness", std::to_string(*memory.swappiness)));
  }
  if (memory.disable_oom_killer.value_or(false)) BERTH_TRY(cgroupfs::write(dir, "memory.oom_control", "1"));
  if (memory.use_hierarchy) BERTH_TRY(cgroupfs::write(dir, "memory.use_hierarchy", *memory.use_hierarchy ? "1" : "0"));
  return {};
}

Status CgroupV1::apply_cpu(const oci::Cpu& cpu) {
  bool any_cpu = (cpu.shares && *cpu.shares != 0) || cpu.quota.value_or(0) != 0 || cpu.period.value_or(0) != 0 ||
                 cpu.burst || cpu.realtime_runtime.value_or(0) != 0 || cpu.realtime_period.value_or(0) != 0 || cpu.idle;
  if (any_cpu) {
    BERTH_ASSIGN(const std::string* found, need("cpu", "linux.resources.cpu"));
    const std::string& dir = *found;
    if (cpu.shares && *cpu.shares != 0) BERTH_TRY(cgroupfs::write(dir, "cpu.shares", std::to_string(*cpu.shares)));
    // A smaller period can be refused while the old quota stands (the
    // parent's limit would be exceeded): then set it again after the quota.
    bool period_pending = false;
    uint64_t period = cpu.period.value_or(0);
    int64_t quota = cpu.quota.value_or(0);
    if (period != 0) {
      auto written = cgroupfs::write(dir, "cpu.cfs_period_us", std::to_string(period));
      if (!written) {
        if (written.error().errno_value != EINVAL || quota == 0) return written;
        period_pending = true;
      }
    }
    if (quota != 0) {
      BERTH_TRY(cgroupfs::write(dir, "cpu.cfs_quota_us", std::to_string(quota)));
      if (period_pending) BERTH_TRY(cgroupfs::write(dir, "cpu.cfs_period_us", std::to_string(period)));
    }
    if (cpu.burst) BERTH_TRY(cgroupfs::write(dir, "cpu.cfs_burst_us", std::to_string(*cpu.burst)));
    // The period first: the runtime is checked against it.
    if (cpu.realtime_period.value_or(0) != 0)
      BERTH_TRY(cgroupfs::write(dir, "cpu.rt_period_us", std::to_string(*cpu.realtime_period)));
    if (cpu.realtime_runtime.value_or(0) != 0)
      BERTH_TRY(cgroupfs::write(dir, "cpu.rt_runtime_us", std::to_string(*cpu.realtime_runtime)));
    if (cpu.idle) BERTH_TRY(cgroupfs::write(dir, "cpu.idle", std::to_string(*cpu.idle)));
  }
  if (!cpu.cpus.empty() || !cpu.mems.empty()) {
    BERTH_ASSIGN(const std::string* dir, need("cpuset", "linux.resources.cpu.cpus/mems"));
    if (!cpu.cpus.empty()) BERTH_TRY(cgroupfs::write(*dir, "cpuset.cpus", cpu.cpus));
    if (!cpu.mems.empty()) BERTH_TRY(cgroupfs::write(*dir, "cpuset.mems", cpu.mems));
  }
  return {};
}

Status CgroupV1::apply_block_io(const oci::BlockIo& io) {
  bool any = io.weight || io.leaf_weight || !io.weight_device.empty() || !io.throttle_read_bps_device.empty() ||
             !io.throttle_write_bps_device.empty() || !io.throttle_read_iops_device.empty() ||
             !io.throttle_write_iops_device.empty();
  if (!any) return {};
  BERTH_ASSIGN(const std::string* found, need("blkio", "linux.resources.blockIO"));
  const std::string& dir = *found;
  // BFQ's knobs when the kernel has BFQ, CFQ's names otherwise.
  auto write_weight = [&](std::string_view bfq_name, std::string_view cfq_name, const std::string& value) -> Status {
    auto bfq = cgroupfs::write(dir, bfq_name, value);
    if (bfq || bfq.error().errno_value != ENOENT) return bfq;
    return cgroupfs::write(dir, cfq_name, value);
  };
  if (io.weight && *io.weight != 0)
    BERTH_TRY(write_weight("blkio.bfq.weight", "blkio.weight", std::to_string(*io.weight)));
  if (io.leaf_weight && *io.leaf_weight != 0)
    BERTH_TRY(cgroupfs::write(dir, "blkio.leaf_weight", std::to_string(*io.leaf_weight)));
  for (const auto& device : io.weight_device) {
    if (device.weight)
      BERTH_TRY(write_weight("blkio.bfq.weight_device", "blkio.weight_device",
                             fmt::format("{}:{} {}", device.major, device.minor, *device.weight)));
    if (device.leaf_weight)
      BERTH_TRY(cgroupfs::write(dir, "blkio.leaf_weight_device",
                                fmt::format("{}:{} {}", device.major, device.minor, *device.leaf_weight)));
  }
  auto throttle = [&](const std::vector<oci::ThrottleDevice>& devices, std::string_view file) -> Status {
    for (const auto& device : devices)
      BERTH_TRY(cgroupfs::write(dir, file, fmt::format("{}:{} {}", device.major, device.minor, device.rate)));
    return {};
  };
  BERTH_TRY(throttle(io.throttle_read_bps_device, "blkio.throttle.read_bps_device"));
  BERTH_TRY(throttle(io.throttle_write_bps_device, "blkio.throttle.write_bps_device"));
  BERTH_TRY(throttle(io.throttle_read_iops_device, "blkio.throttle.read_iops_device"));
  BERTH_TRY(throttle(io.throttle_write_iops_device, "blkio.throttle.write_iops_device"));
  return {};
}

Status CgroupV1::apply_devices(const std::vector<oci::DeviceRule>& spec_rules, bool fresh) {
  if (spec_rules.empty()) return {};
  BERTH_ASSIGN(const std::string* found, need("devices", "linux.resources.devices"));
  const std::string& dir = *found;
  // Both files stay open across the rules: one open each, one write per rule.
  std::string allow_path = cgroupfs::join(dir, "devices.allow"), deny_path = cgroupfs::join(dir, "devices.deny");
  UniqueFd allow(::open(allow_path.c_str(), O_WRONLY | O_CLOEXEC));
  if (!allow) return fail_errno(errno, "open {}", allow_path);
  UniqueFd deny(::open(deny_path.c_str(), O_WRONLY | O_CLOEXEC));
  if (!deny) return fail_errno(errno, "open {}", deny_path);
  auto write_rule = [](int fd, const std::string& path, std::string_view text) -> Status {
    ssize_t n;
    do {
      n = ::write(fd, text.data(), text.size());
    } while (n < 0 && errno == EINTR);
    if (n < 0) return fail_errno(errno, "write {} to {}", text, path);
    return {};
  };
  auto rules = effective_device_rules(spec_rules);
  if (!fresh) {
    // A running container keeps access to the devices it keeps: when the new
    // rules are "deny all, then allow a list" and the cgroup already works
    // that way, revoke only what is no longer listed, then add what is new,
    // instead of denying everything for a moment.
    BERTH_ASSIGN(std::string listed, cgroupfs::read(dir, "devices.list"));
    std::set<std::string> current, wanted;
    for (auto line : split_lines(listed)) current.emplace(line);
    bool allow_list_only = !rules.empty() && !rules.front().allow && !current.count("a *:* rwm");
    for (size_t i = 1; allow_list_only && i < rules.size(); ++i) {
      if (!rules[i].allow)
        allow_list_only = false;
      else {
        BERTH_ASSIGN(std::string text, device_rule_v1_text(rules[i]));
        wanted.insert(text);
      }
    }
    if (allow_list_only) {
      for (const auto& entry : current)
        if (!wanted.count(entry)) BERTH_TRY(write_rule(deny.get(), deny_path, entry));
      for (const auto& entry : wanted)
        if (!current.count(entry)) BERTH_TRY(write_rule(allow.get(), allow_path, entry));
      return {};
    }
  }
  // Start from "deny everything", then apply the rules in order.
  BERTH_TRY(write_rule(deny.get(), deny_path, "a"));
  bool first = true;
  for (const auto& rule : rules) {
    BERTH_ASSIGN(std::string text, device_rule_v1_text(rule));
    bool was_first = std::exchange(first, false);
    if (was_first && !rule.allow && text == "a *:* rwm") continue;  // already done
    if (rule.allow) {
      BERTH_TRY(write_rule(allow.get(), allow_path, text));
    } else {
      BERTH_TRY(write_rule(deny.get(), deny_path, text));
    }
  }
  return {};
}

Status CgroupV1::apply_unified_side(const oci::Resources& resources, const CreatedDirs* created) {
  bool hugetlb_on_v2 = !resources.hugepage_limits.empty() && find("hugetlb") == nullptr;
  if (!hugetlb_on_v2 && resources.unified.empty()) return {};
  if (paths_.unified_dir.empty()) {
    if (hugetlb_on_v2) return fail("linux.resources.hugepageLimits: the hugetlb cgroup controller is not mounted");
    return fail("linux.resources.unified: needs cgroup v2, and this host has cgroup v1 only");
  }
  std::vector<std::string> wanted = cgroup2::controllers_for_unified_keys(resources.unified);
  if (hugetlb_on_v2 && std::find(wanted.begin(), wanted.end(), "hugetlb") == wanted.end()) wanted.push_back("hugetlb");
  if (!wanted.empty())
    BERTH_TRY(cgroup2::enable_controllers(paths_.unified_mount, paths_.unified_dir, wanted, created));
  if (hugetlb_on_v2) BERTH_TRY(cgroup2::apply_hugetlb(paths_.unified_dir, resources.hugepage_limits));
  return cgroup2::apply_unified(paths_.unified_dir, resources.unified);
}

Status CgroupV1::apply(const oci::Resources& resources, bool fresh, const CreatedDirs* created) {
  if (resources.memory) BERTH_TRY(apply_memory(*resources.memory, fresh));
  if (resources.cpu) BERTH_TRY(apply_cpu(*resources.cpu));
  if (resources.pids && resources.pids->limit != 0) {
    BERTH_ASSIGN(const std::string* dir, need("pids", "linux.resources.pids"));
    BERTH_TRY(cgroupfs::write(*dir, "pids.max",
                              resources.pids->limit > 0 ? std::to_string(resources.pids->limit) : std::string("max")));
  }
  if (resources.block_io) BERTH_TRY(apply_block_io(*resources.block_io));
  if (const std::string* dir = find("hugetlb")) {
    for (const auto& limit : resources.hugepage_limits)
      BERTH_TRY(cgroupfs::write(*dir, fmt::format("hugetlb.{}.limit_in_bytes", limit.page_size),
                                std::to_string(limit.limit)));
  }
  if (resources.network) {
    // Only where net_cls / net_prio are mounted; elsewhere ignored, as runc does.
    if (const std::string* dir = find("net_cls"); dir && resources.network->class_id)
      BERTH_TRY(cgroupfs::write(*dir, "net_cls.classid", std::to_string(*resources.network->class_id)));
    if (const std::string* dir = find("net_prio"))
      for (const auto& [interface, priority] : resources.network->priorities)
        BERTH_TRY(cgroupfs::write(*dir, "net_prio.ifpriomap", fmt::format("{} {}", interface, priority)));
  }
  BERTH_TRY(apply_devices(resources.devices, fresh));
  return apply_unified_side(resources, created);
}

Result<CgroupStats> CgroupV1::stats() const {
  CgroupStats stats;
  // Knobs of controllers that are not mounted, or too old a kernel, read as 0.
  auto number = [](const std::string* dir, std::string_view name, uint64_t if_max) -> Result<uint64_t> {
    if (dir == nullptr) return uint64_t{0};
    auto value = cgroupfs::read_u64(*dir, name);
    if (!value) {
      if (value.error().errno_value == ENOENT) return uint64_t{0};
      return std::unexpected(std::move(value.error()));
    }
    return value->value_or(if_max);
  };
  if (const std::string* dir = find("cpuacct")) {
    BERTH_ASSIGN(stats.cpu_usage_total_ns, number(dir, "cpuacct.usage", 0));
    auto user = cgroupfs::read_u64(*dir, "cpuacct.usage_user");
    if (user) {
      stats.cpu_usage_user_ns = user->value_or(0);
      BERTH_ASSIGN(stats.cpu_usage_kernel_ns, number(dir, "cpuacct.usage_sys", 0));
    } else {
      // Older kernels: cpuacct.stat, in clock ticks.
      BERTH_ASSIGN(std::string ticks, cgroupfs::read(*dir, "cpuacct.stat"));
      uint64_t ns_per_tick = 1'000'000'000ull / static_cast<uint64_t>(::sysconf(_SC_CLK_TCK));
      stats.cpu_usage_user_ns = cgroupfs::keyed_value(ticks, "user") * ns_per_tick;
      stats.cpu_usage_kernel_ns = cgroupfs::keyed_value(ticks, "system") * ns_per_tick;
    }
  }
  if (const std::string* dir = find("cpu")) {
    auto cpu = cgroupfs::read(*dir, "cpu.stat");
    if (cpu) {
      stats.cpu_periods = cgroupfs::keyed_value(*cpu, "nr_periods");
      stats.cpu_throttled_periods = cgroupfs::keyed_value(*cpu, "nr_throttled");
      stats.cpu_throttled_time_ns = cgroupfs::keyed_value(*cpu, "throttled_time");
    } else if (cpu.error().errno_value != ENOENT) {
      return std::unexpected(std::move(cpu.error()));
    }
  }
  const std::string* memory = find("memory");
  BERTH_ASSIGN(stats.memory_usage, number(memory, "memory.usage_in_bytes", 0));
  BERTH_ASSIGN(stats.memory_limit, number(memory, "memory.limit_in_bytes", UINT64_MAX));
  BERTH_ASSIGN(stats.memory_max_usage, number(memory, "memory.max_usage_in_bytes", 0));
  BERTH_ASSIGN(stats.memory_failcnt, number(memory, "memory.failcnt", 0));
  BERTH_ASSIGN(stats.swap_usage, number(memory, "memory.memsw.usage_in_bytes", 0));
  BERTH_ASSIGN(stats.swap_limit, number(memory, "memory.memsw.limit_in_bytes", UINT64_MAX));
  const std::string* pids = find("pids");
  BERTH_ASSIGN(stats.pids_current, number(pids, "pids.current", 0));
  BERTH_ASSIGN(stats.pids_limit, number(pids, "pids.max", 0));
  auto optional_read = [](const std::string* dir, std::string_view name) -> Result<std::string> {
    if (dir == nullptr) return std::string();
    auto content = cgroupfs::read(*dir, name);
    if (!content && content.error().errno_value == ENOENT) return std::string();
    return content;
  };
  BERTH_ASSIGN(std::string memory_stat, optional_read(memory, "memory.stat"));
  stats.memory_inactive_file = cgroupfs::keyed_value(memory_stat, "total_inactive_file");
  BERTH_ASSIGN(std::string io, optional_read(find("blkio"), "blkio.throttle.io_service_bytes"));
  stats.io_read_bytes = cgroupfs::sum_device_field(io, "Read ");
  stats.io_write_bytes = cgroupfs::sum_device_field(io, "Write ");
  return stats;
}

// A new v1 cpuset cgroup starts with empty cpuset.cpus/mems, and a task
// cannot join it until both are set: copy them down from the nearest
// ancestor that has them, for every level we created. The leaf's values that
// the spec sets are left to apply().
Result<std::pair<std::string, std::string>> effective_cpuset(const std::string& dir, const std::string& mount) {
  BERTH_ASSIGN(std::string cpus, cgroupfs::read_trimmed(dir, "cpuset.cpus"));
  BERTH_ASSIGN(std::string mems, cgroupfs::read_trimmed(dir, "cpuset.mems"));
  if ((cpus.empty() || mems.empty()) && dir.size() > mount.size()) {
    BERTH_ASSIGN(auto parent, effective_cpuset(parent_of(dir), mount));
    if (cpus.empty()) BERTH_TRY(cgroupfs::write(dir, "cpuset.cpus", cpus = parent.first));
    if (mems.empty()) BERTH_TRY(cgroupfs::write(dir, "cpuset.mems", mems = parent.second));
  }
  return std::pair{cpus, mems};
}

Status inherit_cpuset(const std::string& mount, const std::string& leaf, const CreatedDirs& created,
                      const oci::Resources* resources) {
  const oci::Cpu* cpu = resources != nullptr && resources->cpu ? &*resources->cpu : nullptr;
  std::optional<std::pair<std::string, std::string>> inherited;
  std::string prefix = mount + "/";
  for (const auto& level : created.list()) {
    if (!level.starts_with(prefix)) continue;
    bool is_leaf = level == leaf;
    bool set_cpus = !(is_leaf && cpu && !cpu->cpus.empty());
    bool set_mems = !(is_leaf && cpu && !cpu->mems.empty());
    if (!set_cpus && !set_mems) continue;
    if (!inherited) {
      BERTH_ASSIGN(inherited, effective_cpuset(parent_of(level), mount));
    }
    if (set_cpus) BERTH_TRY(cgroupfs::write(level, "cpuset.cpus", inherited->first));
    if (set_mems) BERTH_TRY(cgroupfs::write(level, "cpuset.mems", inherited->second));
  }
  return {};
}

}  // namespace

std::unique_ptr<Cgroup> open_cgroup_v1(CgroupV1Paths paths) { return std::make_unique<CgroupV1>(std::move(paths)); }

Status CgroupV1::finish_create() {
  if (!creating_) return {};
  CreatedDirs& created = *creating_;
  for (const auto& dir : dirs_) BERTH_TRY(cgroupfs::make_dirs(dir, created.list()));
  const oci::Resources* resources = resources_ ? &*resources_ : nullptr;
  if (const std::string* cpuset = find("cpuset"))
    BERTH_TRY(inherit_cpuset(paths_.controller_mounts.at("cpuset"), *cpuset, created, resources));
  if (resources != nullptr) BERTH_TRY(apply(*resources, true, &created));
  created.commit();
  creating_.reset();
  resources_.reset();
  return {};
}

Result<std::unique_ptr<Cgroup>> begin_cgroup_v1(const CgroupV1Paths& paths, const oci::Resources* resources) {
  auto cgroup = std::make_unique<CgroupV1>(paths);
  cgroup->begin_creation(resources);
  // The cgroup2 directory first: a child cloned into it (CLONE_INTO_CGROUP)
  // needs nothing else, and joins the v1 hierarchies itself later.
  if (!paths.unified_dir.empty()) {
    BERTH_TRY(cgroupfs::make_dirs(paths.unified_dir, cgroup->creating_dirs()));
    return std::unique_ptr<Cgroup>(std::move(cgroup));
  }
  BERTH_TRY(cgroup->finish_create());
  return std::unique_ptr<Cgroup>(std::move(cgroup));
}

}  // namespace berth::runtime
