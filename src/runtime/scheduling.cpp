// Per-process kernel knobs from the spec: oom_score_adj, I/O priority,
// scheduler policy (sched_setattr) and execution domain (personality).
#include <sys/personality.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdint>
#include <string_view>

#include "base/file_io.h"
#include "runtime/process_setup.h"

namespace berth::runtime {
namespace {

// include/uapi/linux/ioprio.h
constexpr int kIoprioWhoProcess = 1;
constexpr int kIoprioClassShift = 13;

// include/uapi/linux/sched/types.h (SCHED_ATTR_SIZE_VER1); glibc 2.36 has no wrapper.
struct SchedAttr {
  uint32_t size;
  uint32_t sched_policy;
  uint64_t sched_flags;
  int32_t sched_nice;
  uint32_t sched_priority;
  uint64_t sched_runtime;
  uint64_t sched_deadline;
  uint64_t sched_period;
  uint32_t sched_util_min;
  uint32_t sched_util_max;
};
static_assert(sizeof(SchedAttr) == 56);

struct NamedValue {
  std::string_view name;
  uint64_t value;
};

constexpr std::array<NamedValue, 7> kPolicies{{
    {"SCHED_OTHER", 0},
    {"SCHED_FIFO", 1},
    {"SCHED_RR", 2},
    {"SCHED_BATCH", 3},
    {"SCHED_ISO", 4},
    {"SCHED_IDLE", 5},
    {"SCHED_DEADLINE", 6},
}};

constexpr std::array<NamedValue, 7> kSchedFlags{{
    {"SCHED_FLAG_RESET_ON_FORK", 0x01},
    {"SCHED_FLAG_RECLAIM", 0x02},
    {"SCHED_FLAG_DL_OVERRUN", 0x04},
    {"SCHED_FLAG_KEEP_POLICY", 0x08},
    {"SCHED_FLAG_KEEP_PARAMS", 0x10},
    {"SCHED_FLAG_UTIL_CLAMP_MIN", 0x20},
    {"SCHED_FLAG_UTIL_CLAMP_MAX", 0x40},
}};

template <size_t N>
Result<uint64_t> lookup(const std::array<NamedValue, N>& table, const std::string& name, std::string_view what) {
  for (const auto& entry : table) {
    if (entry.name == name) return entry.value;
  }
  return fail("unknown {} \"{}\"", what, name);
}

}  // namespace

Status apply_oom_score_adj(pid_t pid, int score) {
  std::string path = pid > 0 ? fmt::format("/proc/{}/oom_score_adj", pid) : std::string("/proc/self/oom_score_adj");
  auto written = write_existing_file(path, std::to_string(score));
  if (!written) {
    if (written.error().errno_value == EACCES) {
      return fail("set oom_score_adj to {} in {}: lowering it needs CAP_SYS_RESOURCE", score, path);
    }
    return with_context(std::move(written), fmt::format("set oom_score_adj to {}", score));
  }
  return {};
}

Status apply_io_priority(const oci::IoPriority& priority) {
  int io_class = 0;
  if (priority.io_class == "IOPRIO_CLASS_RT") {
    io_class = 1;
  } else if (priority.io_class == "IOPRIO_CLASS_BE") {
    io_class = 2;
  } else if (priority.io_class == "IOPRIO_CLASS_IDLE") {
    io_class = 3;
  } else {
    return fail("ioPriority: unknown class \"{}\"", priority.io_class);
  }
  if (priority.priority < 0 || priority.priority > 7) {
    return fail("ioPriority: priority {} is outside 0..7", priority.priority);
  }
  int value = (io_class << kIoprioClassShift) | priority.priority;
  if (syscall(SYS_ioprio_set, kIoprioWhoProcess, 0, value) != 0) {
    return fail_errno(errno, "ioprio_set {} priority {}", priority.io_class, priority.priority);
  }
  return {};
}

Status apply_scheduler(const oci::Scheduler& scheduler) {
  BERTH_ASSIGN(uint64_t policy, lookup(kPolicies, scheduler.policy, "scheduler policy"));
  SchedAttr attr{};
  attr.size = sizeof(attr);
  attr.sched_policy = static_cast<uint32_t>(policy);
  for (const auto& flag : scheduler.flags) {
    BERTH_ASSIGN(uint64_t bit, lookup(kSchedFlags, flag, "scheduler flag"));
    attr.sched_flags |= bit;
  }
  attr.sched_nice = scheduler.nice;
  attr.sched_priority = static_cast<uint32_t>(scheduler.priority);
  attr.sched_runtime = scheduler.runtime;
  attr.sched_deadline = scheduler.deadline;
  attr.sched_period = scheduler.period;
  if (syscall(SYS_sched_setattr, 0, &attr, 0) != 0) {
    return fail_errno(errno, "sched_setattr policy {} nice {} priority {}", scheduler.policy, scheduler.nice,
                      scheduler.priority);
  }
  return {};
}

Status apply_personality(const oci::Personality& personality) {
  // Like runc: only the execution domain is supported.
  if (!personality.flags.empty()) return fail("personality flags are not supported");
  unsigned long domain = 0;
  if (personality.domain == "LINUX") {
    domain = PER_LINUX;
  } else if (personality.domain == "LINUX32") {
    domain = PER_LINUX32;
  } else {
    return fail("personality: unknown domain \"{}\"", personality.domain);
  }
  if (::personality(domain) == -1) return fail_errno(errno, "personality {}", personality.domain);
  return {};
}

}  // namespace berth::runtime
