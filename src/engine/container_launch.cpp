#include "engine/container_launch.h"

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>

#include "base/close_fds.h"
#include "base/file_io.h"
#include "base/unique_fd.h"
#include "runtime/container_create.h"

namespace berth {

namespace {

// The shim's inherited fds, by the contract.
constexpr int kReadyFd = 3, kStdinFd = 4, kOutputFd = 5, kStderrFd = 6, kMountNamespaceFd = 7, kNetNamespaceFd = 8,
              kAttachClientFd = 9;

struct Pipe {
  UniqueFd read, write;
};

Result<Pipe> make_pipe() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return fail_errno(errno, "pipe");
  return Pipe{UniqueFd(fds[0]), UniqueFd(fds[1])};
}

bool write_text(int fd, std::string_view text) {
  while (!text.empty()) {
    ssize_t wrote = ::write(fd, text.data(), text.size());
    if (wrote < 0 && errno == EINTR) continue;
    if (wrote <= 0) return false;
    text.remove_prefix(static_cast<size_t>(wrote));
  }
  return true;
}

// Puts `fds[i]` at number `targets[i]` without clobbering a source that
// sits on another target: everything moves above the targets first.
bool place_fds(std::initializer_list<std::pair<int, int>> moves) {
  std::vector<std::pair<int, int>> lifted;
  for (auto [from, to] : moves) {
    if (from < 0) continue;
    int high = ::fcntl(from, F_DUPFD_CLOEXEC, 64);
    if (high < 0) return false;
    lifted.emplace_back(high, to);
  }
  for (auto [from, to] : lifted)
    if (::dup2(from, to) < 0) return false;  // dup2 clears close-on-exec on `to`
  return true;
}

// The launcher child: never returns. Reports "pid N" then hands the ready
// pipe to the shim, or reports "error: …" and exits.
[[noreturn]] void run_launcher(const LaunchRequest& request, int ready, int stdin_read, int stdin_write,
                               int stdout_read, int stdout_write, int stderr_read, int stderr_write) {
  auto die = [&](std::string_view message) {
    write_text(ready, fmt::format("error: {}\n", message));
    ::_exit(1);
  };
  // The container's init is forked from here and waits for its start,
  // maybe long after berth is gone (killed mid-run): it must not hold
  // berth's container lock, database or sockets meanwhile.
  close_fds_except({ready, stdin_read, stdin_write, stdout_read, stdout_write, stderr_read, stderr_write,
                    request.spec_fd, request.attach_client_fd});
  ::setsid();  // out of berth's session: a terminal hangup does not reach the container
  // Whatever berth was started with: an ignored SIGCHLD would have the
  // kernel reap the init (an exit before the shim is up would be lost), and
  // the container's process would inherit it.
  ::signal(SIGCHLD, SIG_DFL);
  if (::prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0) die("become a child subreaper");
  UniqueFd null_fd(::open("/dev/null", O_RDWR | O_CLOEXEC));
  if (!null_fd) die("open /dev/null");
  // The container's stdio are the launcher's at create time.
  if (request.terminal) {
    if (!place_fds({{null_fd.get(), 0}, {null_fd.get(), 1}, {null_fd.get(), 2}})) die("set up stdio");
  } else if (!place_fds({{stdin_read >= 0 ? stdin_read : null_fd.get(), 0}, {stdout_write, 1}, {stderr_write, 2}})) {
    die("set up stdio");
  }
  runtime::StateStore store(request.runtime_root);
  runtime::CreateOptions options;
  options.id = request.id;
  options.bundle = request.bundle;
  options.own_terminal = request.terminal;
  options.config_text = request.config_text;
  options.parsed_spec = request.spec;
  // Held on the sync socket rather than the exec fifo: started from here
  // (below) as soon as it is ready, without waiting for berth.
  options.hold_start = true;
  auto created = runtime::create_container(store, options);
  if (!created) die(created.error().message);
  pid_t pid = created->state.pid;
  // From here a berth that went away (killed while it waited for us) must
  // not take us with it, once the container runs: a report it cannot read
  // fails quietly instead. Set after the init's clone, which keeps the
  // default for the container's process.
  ::signal(SIGPIPE, SIG_IGN);
  // Opened while the init surely lives (a process that ran and exited has
  // none). Optional for the shim (see shim/shim_setup.h): without it the
  // init's exit only reaches the shim later.
  UniqueFd mount_namespace(::open(fmt::format("/proc/{}/ns/mnt", pid).c_str(), O_RDONLY | O_CLOEXEC));
  UniqueFd net_namespace(::open(fmt::format("/proc/{}/ns/net", pid).c_str(), O_RDONLY | O_CLOEXEC));
  // Into the run dir before shim.conf exists, as the shim would: a later
  // berth that finds this launch abandoned knows its shim by that cwd.
  if (::chdir(request.run_dir.c_str()) != 0) die(fmt::format("chdir {}: {}", request.run_dir, std::strerror(errno)));
  // Reported before the start: a berth gone already (the pipe has no
  // reader) gets no container that runs unwatched; the init ends when we do.
  if (!write_text(ready, fmt::format("pid {}\n", pid))) ::_exit(1);
  int output = request.terminal ? created->pty_master.get() : stdout_read;
  if (output < 0) die("the container has no terminal to hand over");
  // The container's process goes on to its exec while this one writes the
  // shim's config and then becomes the shim; the process's output waits in
  // the pipes (or the pty) until the shim reads it.
  auto released = runtime::release_created(*created);
  auto written = write_file_atomic(request.run_dir + "/shim.conf", fmt::format("{}pid={}\n", request.shim_config, pid),
                                   0600, Durability::until_reboot);
  if (!written) {
    ::kill(pid, SIGKILL);  // no shim will watch it: it does not run on
    die(written.error().message);
  }
  // The start's outcome, for berth: the shim comes up either way, to see the
  // init's exit if it failed, as it would any exit.
  if (released) released = runtime::confirm_started(*created);
  std::string outcome = released ? std::string("started") : "start failed: " + released.error().message;
  std::replace(outcome.begin(), outcome.end(), '\n', ' ');  // one line: berth reads the shim's next
  write_text(ready, outcome + "\n");
  if (!place_fds({{ready, kReadyFd},
                  {mount_namespace.get(), kMountNamespaceFd},
                  {net_namespace.get(), kNetNamespaceFd},
                  {request.terminal ? -1 : stdin_write, kStdinFd},
                  {output, kOutputFd},
                  {request.terminal ? -1 : stderr_read, kStderrFd},
                  {request.attach_client_fd, kAttachClientFd},
                  {null_fd.get(), 0},
                  {null_fd.get(), 1},
                  {null_fd.get(), 2}}))
    die("hand the stdio to the shim");
  if (!mount_namespace) ::close(kMountNamespaceFd);  // whatever sits there is not one
  if (!net_namespace) ::close(kNetNamespaceFd);
  // Nothing else (the runtime's own fds) reaches the shim.
  close_fds_except({kReadyFd, kStdinFd, kOutputFd, kStderrFd, kMountNamespaceFd, kNetNamespaceFd,
                    request.attach_client_fd >= 0 ? kAttachClientFd : -1});
  const char* argv[] = {"berth-shim", request.run_dir.c_str(), nullptr};
  const char* envp[] = {"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", nullptr};
  ::execve(request.shim_path.c_str(), const_cast<char* const*>(argv), const_cast<char* const*>(envp));
  write_text(kReadyFd, fmt::format("error: exec {}: {}\n", request.shim_path, std::strerror(errno)));
  ::_exit(1);
}

struct LauncherArgs {
  const LaunchRequest* request;
  int ready, stdin_read, stdin_write, stdout_read, stdout_write, stderr_read, stderr_write;
};

int launcher_entry(void* opaque) {
  const auto& args = *static_cast<const LauncherArgs*>(opaque);
  try {
    run_launcher(*args.request, args.ready, args.stdin_read, args.stdin_write, args.stdout_read, args.stdout_write,
                 args.stderr_read, args.stderr_write);
  } catch (...) {
    // Never unwind into, or abort() through, memory shared with berth.
    write_text(args.ready, "error: the container launcher failed (an exception)\n");
  }
  ::_exit(1);
}

// No other thread runs code: a joined thread may still be listed for a
// moment while the kernel finishes its exit (state Z or X), harmlessly.
bool single_threaded() {
  DIR* tasks = ::opendir("/proc/self/task");
  if (!tasks) return false;
  int running = 0;
  while (dirent* entry = ::readdir(tasks)) {
    if (entry->d_name[0] == '.') continue;
    auto stat = read_file(fmt::format("/proc/self/task/{}/stat", entry->d_name));
    size_t end = stat ? stat->rfind(')') : std::string::npos;
    char state = end != std::string::npos && end + 2 < stat->size() ? (*stat)[end + 2] : '?';
    if (state != 'Z' && state != 'X') ++running;
  }
  ::closedir(tasks);
  return running == 1;
}

// The launcher shares berth's memory until it execs the shim (vfork's
// semantics: berth waits meanwhile, as it would anyway): no page tables to
// copy, and none of the ~350 copy-on-write faults that a fork() costs the
// two processes here (about half a millisecond of a `run`). Only while
// berth has no other thread: one could change memory under the launcher.
// The launcher itself keeps to what is safe there: it never returns into
// berth's frames, and ends in execve or _exit.
pid_t spawn_launcher(LauncherArgs& args) {
  if (!single_threaded()) {
    pid_t child = ::fork();
    if (child == 0) launcher_entry(&args);
    return child;
  }
  // Below the stack, a page that faults: an overflow stops the launcher
  // instead of writing over berth's memory.
  constexpr size_t kStackSize = 8 << 20, kGuard = 4096;
  void* stack = ::mmap(nullptr, kStackSize + kGuard, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK | MAP_NORESERVE, -1, 0);
  if (stack == MAP_FAILED) return -1;
  if (::mprotect(stack, kGuard, PROT_NONE) != 0) {
    int saved = errno;
    ::munmap(stack, kStackSize + kGuard);
    errno = saved;
    return -1;
  }
  pid_t child = ::clone(launcher_entry, static_cast<char*>(stack) + kGuard + kStackSize,
                        CLONE_VM | CLONE_VFORK | SIGCHLD, &args);
  int saved = errno;
  ::munmap(stack, kStackSize + kGuard);
  errno = saved;
  return child;
}

// The next line of the launcher's (then the shim's) reports. Not read to
// end of file: the container's init, forked before the shim's exec, holds
// a copy of the pipe until it execs itself. So lines are taken one by one,
// and the launcher's (then shim's) exit ends the wait.
Result<std::string> next_launch_report(LaunchedContainer& launched) {
  char buffer[512];
  for (;;) {
    if (size_t end = launched.unread.find('\n'); end != std::string::npos) {
      std::string line = launched.unread.substr(0, end);
      launched.unread.erase(0, end + 1);
      return line;
    }
    pollfd fds[2] = {{launched.reports.get(), POLLIN, 0}, {launched.shim_pidfd.get(), POLLIN, 0}};
    bool gone = launched.shim_gone;
    if (::poll(fds, gone ? 1 : 2, gone ? 0 : -1) < 0) {
      if (errno == EINTR) continue;
      return fail_errno(errno, "wait for the container launcher");
    }
    bool got_any = false;
    if (fds[0].revents & (POLLIN | POLLHUP)) {
      ssize_t got = ::read(launched.reports.get(), buffer, sizeof buffer);
      if (got > 0) {
        launched.unread.append(buffer, static_cast<size_t>(got));
        got_any = true;
      }
    }
    if (gone && !got_any) {  // drained what it wrote before it went
      ::waitpid(launched.shim_pid, nullptr, WNOHANG);
      return fail("the container launcher ended without a report{}",
                  launched.unread.empty() ? "" : ": " + launched.unread);
    }
    if (!gone && (fds[1].revents & POLLIN)) launched.shim_gone = true;
  }
}

}  // namespace

Result<std::string> find_helper_binary(std::string_view name, const char* override_variable) {
  if (const char* path = std::getenv(override_variable); path && *path) return std::string(path);
  std::error_code error;
  auto self = std::filesystem::read_symlink("/proc/self/exe", error);
  if (error) return fail("find {}: read /proc/self/exe: {}", name, error.message());
  auto helper = self.parent_path() / name;
  if (::access(helper.c_str(), X_OK) != 0) return fail_errno(errno, "find {}: {}", name, helper.string());
  return helper.string();
}

Result<LaunchedContainer> launch_container(const LaunchRequest& request) {
  BERTH_ASSIGN(Pipe ready, make_pipe());
  Pipe in, out, err;
  if (!request.terminal) {
    if (request.open_stdin) {
      BERTH_ASSIGN(in, make_pipe());
    }
    BERTH_ASSIGN(out, make_pipe());
    BERTH_ASSIGN(err, make_pipe());
  }
  LauncherArgs args{&request,          ready.write.get(), in.read.get(), in.write.get(), out.read.get(),
                    out.write.get(),   err.read.get(),   err.write.get()};
  pid_t child = spawn_launcher(args);
  if (child < 0) return fail_errno(errno, "fork the container launcher");
  ready.write.reset();
  in = {};
  out = {};
  err = {};
  LaunchedContainer launched{.shim_pid = child};
  launched.reports = std::move(ready.read);
  launched.shim_pidfd.reset(static_cast<int>(::syscall(SYS_pidfd_open, child, 0)));
  if (!launched.shim_pidfd) return fail_errno(errno, "pidfd_open the container launcher");
  BERTH_ASSIGN(std::string line, next_launch_report(launched));
  if (line.starts_with("pid ")) {
    launched.init_pid = static_cast<pid_t>(std::strtol(line.c_str() + 4, nullptr, 10));
    if (launched.init_pid > 0) return launched;
  }
  if (line.starts_with("error: ")) {
    ::waitpid(child, nullptr, 0);  // no container: the launcher ends (or ended) with this report
    return fail("{}", line.substr(7));
  }
  ::waitpid(child, nullptr, WNOHANG);
  return fail("the container launcher reported \"{}\", not the container's pid", line);
}

Status await_started(LaunchedContainer& launched) {
  BERTH_ASSIGN(std::string line, next_launch_report(launched));
  if (line == "started") return {};
  if (line.starts_with("start failed: ")) return fail("{}", line.substr(14));
  if (line.starts_with("error: ")) return fail("{}", line.substr(7));
  return fail("the container launcher reported \"{}\", not the start's outcome", line);
}

Status await_shim_ready(LaunchedContainer& launched) {
  BERTH_ASSIGN(std::string line, next_launch_report(launched));
  if (line == "ok") return {};
  if (line.starts_with("error: ")) return fail("{}", line.substr(7));
  return fail("the container's shim reported \"{}\", not ok", line);
}

}  // namespace berth
