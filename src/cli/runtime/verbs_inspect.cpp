// state, list, ps, events: reading containers.
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <set>
#include <sstream>
#include <thread>

#include "base/unique_fd.h"
#include "cli/runtime/verbs.h"
#include "runtime/container_ops.h"
#include "runtime/state_json.h"

namespace berth::cli {

using nlohmann::json;

int verb_state(const Globals& globals, const std::string& id) {
  auto container = runtime::load_container(globals.store(), id);
  if (!container) return globals.report(std::move(container.error()).context("state " + id));
  fmt::print("{}\n", runtime::state_command_json(container->state, container->status).dump(2));
  return 0;
}

int verb_list(const Globals& globals, const std::string& format, bool quiet) {
  auto store = globals.store();
  auto ids = store.ids();
  if (!ids) return globals.report(ids.error());
  std::vector<runtime::Container> containers;
  for (const auto& id : *ids) {
    auto container = runtime::load_container(store, id);
    if (container) containers.push_back(std::move(*container));
  }
  if (quiet) {
    for (auto& container : containers) fmt::print("{}\n", container.state.id);
    return 0;
  }
  if (format == "json") {
    json list = json::array();
    for (auto& container : containers) list.push_back(runtime::state_command_json(container.state, container.status));
    fmt::print("{}\n", containers.empty() ? "null" : list.dump());
    return 0;
  }
  // runc's tabwriter layout: columns at least 12 wide, one space of padding.
  std::vector<std::array<std::string, 6>> rows{{"ID", "PID", "STATUS", "BUNDLE", "CREATED", "OWNER"}};
  for (auto& container : containers) {
    bool stopped = container.status == runtime::ContainerStatus::stopped;
    rows.push_back({container.state.id, std::to_string(stopped ? 0 : container.state.pid),
                    std::string(runtime::status_name(container.status)), container.state.bundle,
                    container.state.created, container.state.owner});
  }
  std::array<size_t, 6> widths{};
  for (auto& row : rows)
    for (size_t column = 0; column < 6; ++column) widths[column] = std::max(widths[column], row[column].size() + 1);
  for (auto& row : rows) {
    std::string line;
    for (size_t column = 0; column < 6; ++column) {
      line += row[column];
      if (column < 5) line.append(std::max<size_t>(widths[column], 12) - row[column].size(), ' ');
    }
    fmt::print("{}\n", line);
  }
  return 0;
}

namespace {

// Runs a program (searched in PATH) and returns its standard output.
Result<std::string> capture_output(const std::vector<std::string>& arguments) {
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) return fail_errno(errno, "pipe");
  UniqueFd reader(pipe_fds[0]), writer(pipe_fds[1]);
  pid_t pid = ::fork();
  if (pid < 0) return fail_errno(errno, "fork");
  if (pid == 0) {
    ::dup2(writer.get(), 1);
    std::vector<char*> argv;
    for (auto& argument : arguments) argv.push_back(const_cast<char*>(argument.c_str()));
    argv.push_back(nullptr);
    ::execvp(argv[0], argv.data());
    ::_exit(127);
  }
  writer.reset();
  std::string text;
  char buffer[4096];
  ssize_t n;
  while ((n = ::read(reader.get(), buffer, sizeof buffer)) > 0 || (n < 0 && errno == EINTR))
    if (n > 0) text.append(buffer, static_cast<size_t>(n));
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    return fail("{} failed (status {})", arguments.front(), WIFEXITED(status) ? WEXITSTATUS(status) : -1);
  return text;
}

}  // namespace

int verb_ps(const Globals& globals, const std::string& format, const std::vector<std::string>& words) {
  if (words.empty()) return globals.report(Error{"ps: a container id is required"});
  const std::string& id = words.front();
  auto pids = runtime::container_processes(globals.store(), id);
  if (!pids) return globals.report(std::move(pids.error()).context("ps " + id));
  if (format == "json") {
    fmt::print("{}\n", json(*pids).dump());
    return 0;
  }
  // As runc: run ps(1) with the given options (no shell) and keep the container's rows.
  std::vector<std::string> arguments{"ps"};
  if (words.size() > 1)
    arguments.insert(arguments.end(), words.begin() + 1, words.end());
  else
    arguments.push_back("-ef");
  auto text = capture_output(arguments);
  if (!text) return globals.report(std::move(text.error()).context("ps " + id));
  std::istringstream lines(*text);
  std::string header;
  std::getline(lines, header);
  size_t pid_column = 0;
  {
    std::istringstream fields(header);
    std::string field;
    while (fields >> field && field != "PID") ++pid_column;
  }
  std::set<pid_t> wanted(pids->begin(), pids->end());
  fmt::print("{}\n", header);
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream fields(line);
    std::string field;
    for (size_t column = 0; column <= pid_column && fields >> field; ++column) {
    }
    if (wanted.count(static_cast<pid_t>(std::strtol(field.c_str(), nullptr, 10)))) fmt::print("{}\n", line);
  }
  return 0;
}

int verb_events(const Globals& globals, const std::string& id, bool stats, const std::string& interval) {
  auto store = globals.store();
  long seconds = std::max(1L, std::strtol(interval.c_str(), nullptr, 10));
  for (;;) {
    auto container = runtime::load_container(store, id);
    if (!container) return globals.report(std::move(container.error()).context("events " + id));
    if (container->status == runtime::ContainerStatus::stopped)
      return globals.report(Error{"events: container " + id + " is stopped"});
    auto cgroup = runtime::container_cgroup(container->state);
    if (!cgroup) return globals.report(cgroup.error());
    auto numbers = (*cgroup)->stats();
    if (!numbers) return globals.report(numbers.error());
    fmt::print("{}\n", json{{"type", "stats"}, {"id", id}, {"data", numbers->to_json()}}.dump());
    std::fflush(stdout);
    if (stats) return 0;
    std::this_thread::sleep_for(std::chrono::seconds(seconds));
  }
}

}  // namespace berth::cli
