#include "runtime/container_exec.h"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/fd_passing.h"
#include "base/path_in_root.h"
#include "runtime/console.h"
#include "runtime/container_create.h"
#include "runtime/container_ops.h"
#include "runtime/namespaces.h"
#include "runtime/process_launch.h"
#include "runtime/sync_channel.h"

namespace berth::runtime {

namespace {

struct JoinFd {
  oci::NamespaceType type;
  UniqueFd fd;
};

// The container's namespaces, opened through the init's /proc entries while
// we know the init is the one recorded (its start time was checked).
Result<std::vector<JoinFd>> open_container_namespaces(const ContainerState& state, const oci::Spec& spec) {
  std::vector<JoinFd> namespaces;
  for (const auto& ns : spec.linux.namespaces) {
    std::string path = fmt::format("/proc/{}/ns/{}", state.pid, oci::namespace_proc_name(ns.type));
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) return fail_errno(errno, "open {}", path);
    namespaces.push_back({ns.type, std::move(fd)});
  }
  // User first (it grants the rights for the rest), mount last (it changes our root).
  std::stable_partition(namespaces.begin(), namespaces.end(),
                        [](const JoinFd& ns) { return ns.type == oci::NamespaceType::user; });
  std::stable_partition(namespaces.begin(), namespaces.end(),
                        [](const JoinFd& ns) { return ns.type != oci::NamespaceType::mount; });
  return namespaces;
}

bool same_namespace(pid_t pid, std::string_view name) {
  struct stat ours {}, theirs {};
  std::string own = fmt::format("/proc/self/ns/{}", name), other = fmt::format("/proc/{}/ns/{}", pid, name);
  return ::stat(own.c_str(), &ours) == 0 && ::stat(other.c_str(), &theirs) == 0 && ours.st_ino == theirs.st_ino &&
         ours.st_dev == theirs.st_dev;
}

[[noreturn]] void run_exec_child(std::vector<JoinFd>& namespaces, const oci::Spec& spec,
                                 const SeccompProgram* seccomp, ExecOptions& options, pid_t init_pid, int sync_fd,
                                 int console_fd) {
  auto body = [&]() -> Status {
    BERTH_TRY(expect_step(sync_fd, SyncStep::go, "berth-runtime"));
    for (auto& ns : namespaces) {
      if (ns.type == oci::NamespaceType::pid) continue;  // joined by the parent
      // Joining the namespace we are already in fails for user namespaces.
      if (same_namespace(init_pid, oci::namespace_proc_name(ns.type))) continue;
      if (::setns(ns.fd.get(), oci::namespace_clone_flag(ns.type)) != 0)
        return fail_errno(errno, "join the container's {} namespace", oci::namespace_name(ns.type));
      ns.fd.reset();
    }
    if (spec.linux.find_namespace(oci::NamespaceType::user)) {
      if (::setresgid(0, 0, 0) != 0 || ::setresuid(0, 0, 0) != 0) return fail_errno(errno, "become root in the user namespace");
    }
    if (!spec.linux.find_namespace(oci::NamespaceType::mount)) {
      // No mount namespace of its own: the container's root is the init's.
      std::string root = fmt::format("/proc/{}/root", init_pid);
      if (::chroot(root.c_str()) != 0) return fail_errno(errno, "chroot {}", root);
    }
    if (::chdir("/") != 0) return fail_errno(errno, "chdir /");
    if (options.process.terminal) {
      if (console_fd < 0) return fail("process.terminal is true but no --console-socket was given");
      UniqueFd root(::open("/", O_PATH | O_DIRECTORY | O_CLOEXEC));
      BERTH_ASSIGN(Pty pty, open_pty_in_root(root.get(), options.process.console_size));
      BERTH_TRY(send_console_master(console_fd, pty.master.get()));
      pty.master.reset();
      BERTH_TRY(become_terminal_session(pty.slave.get()));
      if (pty.slave.get() > 2) pty.slave.reset(); else pty.slave.release();
    }
    if (console_fd >= 0) ::close(console_fd);
    BERTH_ASSIGN(PreparedProcess prepared, prepare_process(options.process, seccomp));
    return std::unexpected(launch_process(options.process, prepared, options.preserve_fds));
  };
  auto outcome = body();
  (void)send_step(sync_fd, SyncStep::failed, outcome.error().message);
  ::_exit(127);
}

sigset_t forwarded_signals() {
  sigset_t set;
  sigfillset(&set);
  for (int keep : {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP, SIGSYS}) sigdelset(&set, keep);
  return set;
}

}  // namespace

void block_forwarded_signals() {
  sigset_t set = forwarded_signals();
  ::sigprocmask(SIG_BLOCK, &set, nullptr);
}

int wait_forwarding_signals(pid_t pid) {
  sigset_t set = forwarded_signals();
  for (;;) {
    int status = 0;
    pid_t reaped = ::waitpid(pid, &status, WNOHANG);
    if (reaped == pid) {
      if (WIFEXITED(status)) return WEXITSTATUS(status);
      if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    }
    siginfo_t info{};
    int signal = ::sigwaitinfo(&set, &info);
    if (signal < 0 || signal == SIGCHLD) continue;
    ::kill(pid, signal);
  }
}

Result<int> exec_in_container(const StateStore& store, const std::string& id, ExecOptions options) {
  BERTH_ASSIGN(Container container, load_container(store, id));
  if (container.status == ContainerStatus::stopped) return fail("cannot exec in a stopped container");
  if (container.status == ContainerStatus::paused) return fail("cannot exec in a paused container");
  BERTH_ASSIGN(oci::Spec spec, container_spec(store, id));
  BERTH_ASSIGN(auto namespaces, open_container_namespaces(container.state, spec));
  // The pid could have been reused between load_container and the opens above.
  if (process_start_time(container.state.pid) != container.state.pid_start_time)
    return fail("cannot exec in a stopped container");
  // A process.json without capabilities gets the container's, as runc does.
  if (!options.process.capabilities && spec.process) options.process.capabilities = spec.process->capabilities;
  BERTH_ASSIGN(auto cgroup, container_cgroup(container.state));
  std::optional<SeccompProgram> seccomp;
  if (spec.linux.seccomp) {
    BERTH_ASSIGN(seccomp, compile_seccomp(*spec.linux.seccomp));
  }

  UniqueFd console_socket;
  if (!options.console_socket.empty()) {
    auto connected = connect_unix(options.console_socket);
    if (!connected) return with_context(std::move(connected), "console socket");
    console_socket = std::move(*connected);
  }
  for (auto& ns : namespaces)
    if (ns.type == oci::NamespaceType::pid && ::setns(ns.fd.get(), CLONE_NEWPID) != 0)
      return fail_errno(errno, "join the container's pid namespace");

  int sockets[2];
  if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sockets) != 0) return fail_errno(errno, "socketpair");
  UniqueFd parent_end(sockets[0]), child_end(sockets[1]);
  if (!options.detach) block_forwarded_signals();
  pid_t pid = ::fork();
  if (pid < 0) return fail_errno(errno, "fork");
  if (pid == 0) {
    // It enters the container while still being the host's binary: not
    // dumpable, so no container process can reach it via /proc (CVE-2019-5736).
    ::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
    parent_end.reset();
    run_exec_child(namespaces, spec, seccomp ? &*seccomp : nullptr, options, container.state.pid, child_end.get(),
                   console_socket.release());
  }
  child_end.reset();
  console_socket.reset();
  auto reap = [pid] {
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
  };
  if (auto added = cgroup->add_process(pid); !added) {
    reap();
    return std::unexpected(added.error());
  }
  if (auto sent = send_step(parent_end.get(), SyncStep::go); !sent) {
    reap();
    return std::unexpected(sent.error());
  }
  // The socket is close-on-exec: end of file means the process exec'd.
  auto message = receive_with_fd(parent_end.get());
  if (!message) {
    reap();
    return with_context(std::move(message), "wait for the exec'd process");
  }
  if (!message->payload.empty()) {
    reap();
    if (message->payload[0] == static_cast<char>(SyncStep::failed)) return fail("{}", message->payload.substr(1));
    return fail("exec child sent an unexpected message");
  }
  BERTH_TRY(write_pid_file(options.pid_file, pid));
  if (options.detach) return pid;
  return wait_forwarding_signals(pid);
}

}  // namespace berth::runtime
