// process.rlimits: maps RLIMIT_* names to resources and applies them with
// setrlimit, explaining the one failure users hit (raising a hard limit).
#include <sys/resource.h>

#include <array>
#include <cerrno>
#include <string_view>

#include "base/file_io.h"
#include "runtime/process_setup.h"

namespace berth::runtime {
namespace {

struct RlimitName {
  std::string_view name;
  int resource;
};

constexpr std::array<RlimitName, 16> kRlimits{{
    {"RLIMIT_CPU", RLIMIT_CPU},
    {"RLIMIT_FSIZE", RLIMIT_FSIZE},
    {"RLIMIT_DATA", RLIMIT_DATA},
    {"RLIMIT_STACK", RLIMIT_STACK},
    {"RLIMIT_CORE", RLIMIT_CORE},
    {"RLIMIT_RSS", RLIMIT_RSS},
    {"RLIMIT_NPROC", RLIMIT_NPROC},
    {"RLIMIT_NOFILE", RLIMIT_NOFILE},
    {"RLIMIT_MEMLOCK", RLIMIT_MEMLOCK},
    {"RLIMIT_AS", RLIMIT_AS},
    {"RLIMIT_LOCKS", RLIMIT_LOCKS},
    {"RLIMIT_SIGPENDING", RLIMIT_SIGPENDING},
    {"RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE},
    {"RLIMIT_NICE", RLIMIT_NICE},
    {"RLIMIT_RTPRIO", RLIMIT_RTPRIO},
    {"RLIMIT_RTTIME", RLIMIT_RTTIME},
}};

std::string limit_text(rlim_t value) {
  return value == RLIM_INFINITY ? std::string("unlimited") : std::to_string(value);
}

// setrlimit said EPERM: say which rule was broken.
Error explain_eperm(const oci::Rlimit& limit, int resource) {
  auto prefix = fmt::format("setrlimit {} soft={} hard={}", limit.type, limit_text(limit.soft), limit_text(limit.hard));
  rlimit current{};
  if (getrlimit(resource, &current) == 0 && limit.hard > current.rlim_max) {
    return Error{fmt::format("{}: the hard limit may not be raised above the current {} without CAP_SYS_RESOURCE",
                             prefix, limit_text(current.rlim_max)),
                 EPERM};
  }
  if (resource == RLIMIT_NOFILE) {
    // The kernel also refuses RLIMIT_NOFILE above fs.nr_open, even for root.
    if (auto nr_open = read_file("/proc/sys/fs/nr_open")) {
      while (!nr_open->empty() && nr_open->back() == '\n') nr_open->pop_back();
      return Error{fmt::format("{}: {} (fs.nr_open is {})", prefix, std::strerror(EPERM), *nr_open), EPERM};
    }
  }
  return Error{fmt::format("{}: {}", prefix, std::strerror(EPERM)), EPERM};
}

}  // namespace

Result<int> rlimit_resource(const std::string& name) {
  for (const auto& entry : kRlimits) {
    if (entry.name == name) return entry.resource;
  }
  return fail("unknown rlimit type \"{}\"", name);
}

Status apply_rlimits(const std::vector<oci::Rlimit>& rlimits) {
  for (const auto& limit : rlimits) {
    BERTH_ASSIGN(int resource, rlimit_resource(limit.type));
    if (limit.soft > limit.hard) {
      return fail("setrlimit {} soft={} hard={}: the soft limit is above the hard limit", limit.type,
                  limit_text(limit.soft), limit_text(limit.hard));
    }
    rlimit value{.rlim_cur = limit.soft, .rlim_max = limit.hard};
    if (setrlimit(resource, &value) != 0) {
      int err = errno;
      if (err == EPERM) return std::unexpected(explain_eperm(limit, resource));
      return fail_errno(err, "setrlimit {} soft={} hard={}", limit.type, limit_text(limit.soft),
                        limit_text(limit.hard));
    }
  }
  return {};
}

}  // namespace berth::runtime
