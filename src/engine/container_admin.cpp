// ContainerService: pause, unpause, rename, top and prune.
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <set>
#include <sstream>

#include "base/cgroup_leftovers.h"
#include "base/file_io.h"
#include "base/remove_tree.h"
#include "base/unique_fd.h"
#include "engine/container_names.h"
#include "engine/container_service.h"
#include "engine/shim_conf_edit.h"
#include "runtime/container_ops.h"
#include "shim/shim_config.h"

namespace berth {

namespace {

// Runs `ps` with `args` and returns its stdout; its stderr is ours.
Result<std::string> run_ps(const std::vector<std::string>& args) {
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) return fail_errno(errno, "pipe");
  UniqueFd read_end(pipe_fds[0]), write_end(pipe_fds[1]);
  std::vector<char*> argv;
  std::string ps = "ps";
  argv.push_back(ps.data());
  std::vector<std::string> owned = args;
  for (auto& arg : owned) argv.push_back(arg.data());
  argv.push_back(nullptr);
  pid_t pid = ::fork();
  if (pid < 0) return fail_errno(errno, "fork");
  if (pid == 0) {
    // No controlling terminal, as under dockerd: `ps -o …` without -e would
    // otherwise select only the processes of our terminal.
    ::setsid();
    int null_fd = ::open("/dev/null", O_RDONLY);
    if (null_fd >= 0) ::dup2(null_fd, STDIN_FILENO);
    ::dup2(write_end.get(), STDOUT_FILENO);
    ::execvp("ps", argv.data());
    ::_exit(127);
  }
  write_end.reset();
  std::string output;
  char buffer[16384];
  for (;;) {
    ssize_t got = ::read(read_end.get(), buffer, sizeof buffer);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) break;
    output.append(buffer, static_cast<size_t>(got));
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::string joined;
    for (const auto& arg : args) joined += " " + arg;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 127) return fail("ps: not found");
    return fail("ps{} failed (exit status {})", joined, WIFEXITED(status) ? WEXITSTATUS(status) : 128);
  }
  return output;
}

// The rows of `table` (ps output, header first) whose PID column is in `pids`.
Result<std::string> filter_ps_rows(const std::string& table, const std::set<pid_t>& pids) {
  std::istringstream lines(table);
  std::string header;
  std::getline(lines, header);
  std::istringstream columns(header);
  std::string column;
  int pid_column = -1;
  for (int index = 0; columns >> column; ++index)
    if (column == "PID") pid_column = index;
  if (pid_column < 0) return fail("Couldn't find PID field in ps output");
  std::string out = header + "\n";
  for (std::string line; std::getline(lines, line);) {
    std::istringstream fields(line);
    std::string field;
    for (int index = 0; index <= pid_column && fields >> field; ++index) {
    }
    char* end = nullptr;
    long pid = std::strtol(field.c_str(), &end, 10);
    if (end && *end == '\0' && pids.contains(static_cast<pid_t>(pid))) out += line + "\n";
  }
  return out;
}

}  // namespace

Status ContainerService::pause(std::string_view name) {
  BERTH_ASSIGN(ContainerRecord found, lookup(name));
  BERTH_ASSIGN(auto held, lock(found.id));
  BERTH_ASSIGN(ContainerRecord record, lookup(found.id));
  BERTH_TRY(refresh(record));
  if (record.state.status == ContainerStatus::paused) return fail("Container {} is already paused", record.id);
  if (record.state.status != ContainerStatus::running) return fail("Container {} is not running", record.id);
  BERTH_TRY(runtime::pause_container(runtime::StateStore(paths_of(record.id).runtime_root.string()), record.id));
  record.state.status = ContainerStatus::paused;
  BERTH_TRY(save_state(record));
  emit(record, "pause");
  return {};
}

Status ContainerService::unpause(std::string_view name) {
  BERTH_ASSIGN(ContainerRecord found, lookup(name));
  BERTH_ASSIGN(auto held, lock(found.id));
  BERTH_ASSIGN(ContainerRecord record, lookup(found.id));
  BERTH_TRY(refresh(record));
  if (record.state.status != ContainerStatus::paused) return fail("Container {} is not paused", record.id);
  BERTH_TRY(runtime::resume_container(runtime::StateStore(paths_of(record.id).runtime_root.string()), record.id));
  record.state.status = ContainerStatus::running;
  BERTH_TRY(save_state(record));
  emit(record, "unpause");
  return {};
}

Status ContainerService::rename(std::string_view name, std::string_view new_name) {
  BERTH_ASSIGN(ContainerRecord looked_up, lookup(name));
  BERTH_ASSIGN(std::string checked, check_container_name(new_name));
  // Under the lock: start and update write shim.conf too.
  BERTH_ASSIGN(auto held, lock(looked_up.id));
  BERTH_ASSIGN(ContainerRecord found, lookup(looked_up.id));
  BERTH_TRY(refresh(found));
  if (checked == found.name) return fail("Renaming a container with the same name as its current name");
  auto renamed = images_.metadata().rename_container(found.id, checked);
  if (!renamed) return with_context(std::move(renamed), "Error when allocating new name");
  // A running container's shim names it in its "die" event; if shim.conf
  // cannot be changed, that one event keeps the old name.
  if (found.state.running()) (void)rewrite_shim_conf(paths_of(found.id), {{"event_name", checked}});
  std::string old_name = found.name;
  found.name = checked;
  emit(found, "rename", {{"oldName", "/" + old_name}});
  return {};
}

Result<std::string> ContainerService::top(std::string_view name, const std::vector<std::string>& ps_args) {
  BERTH_ASSIGN(ContainerRecord record, find(name));
  if (!record.state.running()) return fail("Container {} is not running", record.id);
  runtime::StateStore store(paths_of(record.id).runtime_root.string());
  BERTH_ASSIGN(std::vector<pid_t> pids, runtime::container_processes(store, record.id));
  BERTH_ASSIGN(std::string table, run_ps(ps_args.empty() ? std::vector<std::string>{"-ef"} : ps_args));
  return filter_ps_rows(table, std::set<pid_t>(pids.begin(), pids.end()));
}

// Directories do not count, as in dockerd's SizeRw.
uint64_t ContainerService::writable_size(const ContainerRecord& record) const {
  std::filesystem::path upper = paths_of(record.id).upper();
  uint64_t total = 0;
  std::error_code error;
  for (std::filesystem::recursive_directory_iterator it(upper, error), end; !error && it != end; it.increment(error)) {
    // lstat only: a symlink in the upper dir may point anywhere on the host.
    auto status = it->symlink_status(error);
    if (!error && std::filesystem::is_regular_file(status)) {
      struct stat info {};
      if (::lstat(it->path().c_str(), &info) == 0) total += static_cast<uint64_t>(info.st_size);
    }
    error.clear();
  }
  return total;
}

// What `run --rm` left for a shim that died before it deleted it (see
// RemoveOptions::leave_files_to_shim). A minute old: a live shim deletes
// its leftovers within moments of its client's end.
void ContainerService::sweep_trash() {
  std::filesystem::path trash = options_.root / "trash";
  UniqueFd trash_fd(::open(trash.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (!trash_fd) return;
  std::error_code error;
  time_t now = ::time(nullptr);
  for (const auto& entry : std::filesystem::directory_iterator(trash, error)) {
    struct stat info {};
    std::string name = entry.path().filename().string();
    if (::fstatat(trash_fd.get(), name.c_str(), &info, AT_SYMLINK_NOFOLLOW) != 0 || now - info.st_ctime < 60) continue;
    // Kept, with its list, while a listed cgroup cannot go yet.
    if (!remove_listed_cgroups((entry.path() / shim::leftover_cgroup_list).string(), name)) continue;
    (void)remove_tree(trash_fd.get(), name);
  }
}

Result<ContainerPruneReport> ContainerService::prune(const std::function<bool(const ContainerRecord&)>& keep) {
  BERTH_ASSIGN(std::vector<ContainerRecord> records, list());
  ContainerPruneReport report;
  for (const ContainerRecord& record : records) {
    if (record.state.active()) continue;
    if (keep && keep(record)) continue;
    uint64_t size = writable_size(record);
    auto done = remove(record.id, {});
    // Started again (or removed) by someone else meanwhile: not ours to prune.
    if (!done) {
      if (done.error().errno_value == ENOENT || done.error().message.find("is running") != std::string::npos) continue;
      report.errors.push_back(done.error().message);  // go on with the others, as docker
      continue;
    }
    report.removed.push_back(record.id);
    report.reclaimed_bytes += size;
  }
  sweep_trash();
  events_.emit(Event{.type = "container", .action = "prune", .attributes = {{"reclaimed", std::to_string(report.reclaimed_bytes)}}});
  return report;
}

}  // namespace berth
