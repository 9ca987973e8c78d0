// ContainerService::stats: what docker stats shows, read from the
// container's cgroup (through the runtime's state), its network namespace's
// /proc/PID/net/dev, and the host's /proc/stat and /proc/meminfo.
#include <unistd.h>

#include <charconv>
#include <sstream>

#include "base/file_io.h"
#include "engine/container_service.h"
#include "engine/host_facts.h"
#include "runtime/container_ops.h"

namespace berth {

namespace {

uint64_t parse_u64(std::string_view text) {
  uint64_t value = 0;
  std::from_chars(text.data(), text.data() + text.size(), value);
  return value;
}

// The "cpu" line of /proc/stat: every CPU's time in every state, in clock ticks.
Result<uint64_t> host_cpu_ns() {
  BERTH_ASSIGN(std::string text, read_file("/proc/stat"));
  std::istringstream lines(text);
  std::string label;
  lines >> label;
  if (label != "cpu") return fail("/proc/stat: no cpu line");
  uint64_t ticks = 0;
  for (int field = 0; field < 8; ++field) {  // user … steal; guest time is already in user
    uint64_t value = 0;
    if (!(lines >> value)) break;
    ticks += value;
  }
  return ticks * (1'000'000'000ull / static_cast<uint64_t>(::sysconf(_SC_CLK_TCK)));
}

// Received and sent bytes of every interface but loopback.
void add_network_bytes(pid_t pid, ContainerStatsSample& sample) {
  auto text = read_file(fmt::format("/proc/{}/net/dev", pid));
  if (!text) return;  // the container just ended: no traffic to show
  std::istringstream lines(*text);
  std::string line;
  while (std::getline(lines, line)) {
    auto colon = line.find(':');
    if (colon == std::string::npos) continue;  // the two header lines
    std::string name = line.substr(0, colon);
    name.erase(0, name.find_first_not_of(' '));
    if (name == "lo") continue;
    std::istringstream fields(line.substr(colon + 1));
    std::vector<std::string> values{std::istream_iterator<std::string>(fields), {}};
    if (values.size() < 9) continue;
    sample.net_rx_bytes += parse_u64(values[0]);
    sample.net_tx_bytes += parse_u64(values[8]);
  }
}

}  // namespace

Result<ContainerStatsSample> ContainerService::stats(std::string_view name) {
  BERTH_ASSIGN(ContainerRecord record, find(name));
  ContainerStatsSample sample;
  sample.id = record.id;
  sample.name = record.name;
  if (!record.state.running() || record.state.pid <= 0) return sample;
  runtime::StateStore store(paths_of(record.id).runtime_root.string());
  auto container = runtime::load_container(store, record.id);
  if (!container) return sample;  // it stopped since find(): shown as not running
  // A container that stops while we read shows as not running, as docker's
  // stream keeps its row; any other failure is an error.
  auto cgroup = runtime::container_cgroup(container->state);
  auto counters = cgroup ? (*cgroup)->stats() : Result<runtime::CgroupStats>(std::unexpected(cgroup.error()));
  if (!counters) {
    auto again = find(record.id);
    if (again && !again->state.running()) return sample;
    return std::unexpected(std::move(counters.error()));
  }
  sample.cgroup = *counters;
  BERTH_ASSIGN(sample.host_cpu_ns, host_cpu_ns());
  BERTH_ASSIGN(sample.host_memory_bytes, host_memory_bytes());
  long cpus = ::sysconf(_SC_NPROCESSORS_ONLN);
  sample.online_cpus = cpus > 0 ? static_cast<unsigned>(cpus) : 1;
  add_network_bytes(record.state.pid, sample);
  sample.running = true;
  return sample;
}

}  // namespace berth
