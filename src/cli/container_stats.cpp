// stats: docker's live table of containers' CPU, memory, network, block I/O
// and pids, or one table with --no-stream.
#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <map>
#include <thread>

#include "cli/commands.h"
#include "cli/human_units.h"
#include "cli/list_format.h"

namespace berth::cli {

namespace {

constexpr std::string_view kStatsTable =
    "table {{.ID}}\t{{.Name}}\t{{.CPUPerc}}\t{{.MemUsage}}\t{{.MemPerc}}\t{{.NetIO}}\t{{.BlockIO}}\t{{.PIDs}}";

const nlohmann::json& stats_headers() {
  static const nlohmann::json headers = {
      {"Container", "CONTAINER"}, {"ID", "CONTAINER ID"},    {"Name", "NAME"},         {"CPUPerc", "CPU %"},
      {"MemUsage", "MEM USAGE / LIMIT"}, {"MemPerc", "MEM %"}, {"NetIO", "NET I/O"}, {"BlockIO", "BLOCK I/O"},
      {"PIDs", "PIDS"},
  };
  return headers;
}

// One row as docker's stats formatter fills it. `previous` is the same
// container's reading from before, for the CPU share between the two.
nlohmann::json stats_row(const std::string& given, const ContainerStatsSample& now,
                         const ContainerStatsSample* previous, bool no_trunc) {
  double cpu = 0, memory_percent = 0;
  uint64_t memory = 0, limit = 0;
  if (now.running) {
    if (previous && previous->running) {
      double container_delta =
          static_cast<double>(now.cgroup.cpu_usage_total_ns) - static_cast<double>(previous->cgroup.cpu_usage_total_ns);
      double host_delta = static_cast<double>(now.host_cpu_ns) - static_cast<double>(previous->host_cpu_ns);
      if (container_delta > 0 && host_delta > 0) cpu = container_delta / host_delta * now.online_cpus * 100.0;
    }
    // As docker's CLI: the usage without the page cache the kernel may drop.
    memory = now.cgroup.memory_usage;
    if (now.cgroup.memory_inactive_file < memory) memory -= now.cgroup.memory_inactive_file;
    limit = std::min(now.cgroup.memory_limit, now.host_memory_bytes);
    if (limit > 0) memory_percent = static_cast<double>(memory) / static_cast<double>(limit) * 100.0;
  }
  auto pair = [](uint64_t a, uint64_t b) {
    return human_size_with_precision(static_cast<double>(a), 3) + " / " +
           human_size_with_precision(static_cast<double>(b), 3);
  };
  return {
      {"Container", given},
      {"ID", no_trunc ? now.id : now.id.substr(0, 12)},
      {"Name", now.name},
      {"CPUPerc", fmt::format("{:.2f}%", cpu)},
      {"MemUsage", binary_size(static_cast<double>(memory)) + " / " + binary_size(static_cast<double>(limit))},
      {"MemPerc", fmt::format("{:.2f}%", memory_percent)},
      {"NetIO", pair(now.net_rx_bytes, now.net_tx_bytes)},
      {"BlockIO", pair(now.cgroup.io_read_bytes, now.cgroup.io_write_bytes)},
      {"PIDs", std::to_string(now.running ? now.cgroup.pids_current : 0)},
  };
}

}  // namespace

int command_stats(Invocation& invocation) {
  bool all = false, no_stream = false, no_trunc = false;
  std::string format;
  auto& flags = invocation.flags();
  flags.add_flag("-a,--all", all, "Show all containers (default shows just running)");
  flags.add_option("--format", format, "Format output using a custom template")->type_name("string");
  flags.add_flag("--no-stream", no_stream, "Disable streaming stats and only pull the first result");
  flags.add_flag("--no-trunc", no_trunc, "Do not truncate output");
  if (auto status = invocation.parse({0, -1})) return *status;
  CommandEnv& env = invocation.env;
  if (!format.empty() && format != "table" && format != "json") {
    if (auto checked = check_list_format(format); !checked) return env.report(checked.error());
  }
  auto containers = env.containers();
  if (!containers) return env.report(containers.error());
  ContainerService& service = **containers;

  // The containers to show: those named, or (again at every refresh) all
  // running ones, or all with -a.
  const std::vector<std::string>& named = invocation.args();
  auto targets = [&]() -> Result<std::vector<std::string>> {
    if (!named.empty()) return named;
    BERTH_ASSIGN(auto records, service.list());
    std::vector<std::string> ids;
    for (const auto& record : records)
      if (all || record.state.running()) ids.push_back(record.id);
    return ids;
  };
  auto sample_all = [&](const std::vector<std::string>& names) -> Result<std::map<std::string, ContainerStatsSample>> {
    std::map<std::string, ContainerStatsSample> samples;
    for (const auto& name : names) {
      auto sample = service.stats(name);
      if (!sample) {
        // One that was removed since the listing is left out; a named one is an error.
        if (named.empty() && sample.error().errno_value == ENOENT) continue;
        return std::unexpected(std::move(sample.error()));
      }
      samples[name] = std::move(*sample);
    }
    return samples;
  };

  std::map<std::string, ContainerStatsSample> previous;
  bool clear_screen = !no_stream && env.io().out_is_terminal;
  for (bool first = true;; first = false) {
    auto names = targets();
    if (!names) return env.report(names.error());
    auto samples = sample_all(*names);
    if (!samples) return env.report(samples.error());
    if (first) {
      // CPU % needs two readings: the first table comes a moment later.
      previous = std::move(*samples);
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
      samples = sample_all(*names);
      if (!samples) return env.report(samples.error());
    }
    std::vector<nlohmann::json> rows;
    for (const auto& name : *names) {
      auto now = samples->find(name);
      if (now == samples->end()) continue;
      auto before = previous.find(name);
      rows.push_back(stats_row(name, now->second, before == previous.end() ? nullptr : &before->second, no_trunc));
    }
    auto rendered = render_list(format, {kStatsTable, &stats_headers()}, rows);
    if (!rendered) return env.report(rendered.error());
    if (clear_screen) env.out("\033[2J\033[H");
    env.out(*rendered);
    std::fflush(env.io().out);
    if (no_stream) return 0;
    previous = std::move(*samples);
    std::this_thread::sleep_for(std::chrono::seconds(1));
  }
}

}  // namespace berth::cli
