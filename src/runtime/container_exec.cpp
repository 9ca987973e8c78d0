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
#include "runtime/foreground_wait.h"
#include "runtime/namespaces.h"
#include "runtime/process_clone.h"
#include "runtime/process_launch.h"
#include "runtime/seccomp_cache.h"
#include "runtime/sync_channel.h"

namespace berth::runtime {

namespace {

bool same_namespace(pid_t pid, std::string_view name) {
  struct stat ours {
  }, theirs{};
  std::string own = fmt::format("/proc/self/ns/{}", name), other = fmt::format("/proc/{}/ns/{}", pid, name);
  return ::stat(own.c_str(), &ours) == 0 && ::stat(other.c_str(), &theirs) == 0 && ours.st_ino == theirs.st_ino &&
         ours.st_dev == theirs.st_dev;
}

struct ContainerNamespaces {
  UniqueFd pid;                          // joined by the runtime: pidns applies to children
  std::vector<NamespaceToJoin> to_join;  // joined by the exec child
};

// The container's namespaces, opened through the init's /proc entries.
// Those we already share are skipped (re-joining our own user namespace fails).
Result<ContainerNamespaces> open_container_namespaces(const ContainerState& state, const oci::Spec& spec) {
  ContainerNamespaces namespaces;
  for (const auto& ns : spec.linux.namespaces) {
    auto name = oci::namespace_proc_name(ns.type);
    if (same_namespace(state.pid, name)) continue;
    std::string path = fmt::format("/proc/{}/ns/{}", state.pid, name);
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) return fail_errno(errno, "open {}", path);
    if (ns.type == oci::NamespaceType::pid)
      namespaces.pid = std::move(fd);
    else
      namespaces.to_join.push_back({ns.type, std::move(fd)});
  }
  return namespaces;
}

[[noreturn]] void run_exec_child(std::vector<NamespaceToJoin>& namespaces, const oci::Spec& spec,
                                 const SeccompProgram* seccomp, const Cgroup& cgroup, ExecOptions& options,
                                 pid_t init_pid, int sync_fd, int console_fd) {
  auto body = [&]() -> Status {
    BERTH_TRY(cgroup.join_self());
    BERTH_TRY(expect_step(sync_fd, SyncStep::go, "berth-runtime"));
    BERTH_TRY(join_namespaces(namespaces));
    if (spec.linux.find_namespace(oci::NamespaceType::user)) BERTH_TRY(become_namespace_root());
    if (!spec.linux.find_namespace(oci::NamespaceType::mount)) {
      // No mount namespace of its own: the container's root is the init's.
      std::string root = fmt::format("/proc/{}/root", init_pid);
      if (::chroot(root.c_str()) != 0) return fail_errno(errno, "chroot {}", root);
    }
    if (::chdir("/") != 0) return fail_errno(errno, "chdir /");
    for (int target = 0; target < 3; ++target) {
      int source = options.stdio[static_cast<size_t>(target)];
      if (source < 0) continue;
      // dup2 onto itself would keep close-on-exec: clear it instead.
      int done = source == target ? ::fcntl(target, F_SETFD, 0) : ::dup2(source, target);
      if (done < 0) return fail_errno(errno, "set up fd {} of the process", target);
    }
    if (options.process.terminal) {
      if (console_fd < 0) return fail("process.terminal is true but no --console-socket was given");
      UniqueFd root(::open("/", O_PATH | O_DIRECTORY | O_CLOEXEC));
      BERTH_ASSIGN(Pty pty, open_pty_in_root(root.get(), options.process.console_size));
      BERTH_TRY(hand_over_terminal(pty, console_fd));
    }
    if (console_fd >= 0) ::close(console_fd);
    BERTH_ASSIGN(PreparedProcess prepared, prepare_process(options.process, seccomp));
    return std::unexpected(launch_process(options.process, prepared, options.preserve_fds));
  };
  auto outcome = body();
  (void)send_step(sync_fd, SyncStep::failed, outcome.error().message);
  ::_exit(127);
}

}  // namespace

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
    BERTH_ASSIGN(seccomp, compile_seccomp_cached(*spec.linux.seccomp, store.root()));
  }

  UniqueFd console_socket, console_receiver;
  if (!options.console_socket.empty()) {
    auto connected = connect_unix(options.console_socket);
    if (!connected) return with_context(std::move(connected), "console socket");
    console_socket = std::move(*connected);
  } else if (options.process.terminal && !options.detach) {
    BERTH_ASSIGN(ConsoleSocketPair pair, make_console_socket_pair());
    console_socket = std::move(pair.for_init);
    console_receiver = std::move(pair.ours);
  }
  if (namespaces.pid && ::setns(namespaces.pid.get(), CLONE_NEWPID) != 0)
    return fail_errno(errno, "join the container's pid namespace");

  int sockets[2];
  if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sockets) != 0) return fail_errno(errno, "socketpair");
  UniqueFd parent_end(sockets[0]), child_end(sockets[1]);
  if (!options.detach) block_forwarded_signals();
  BERTH_ASSIGN(UniqueFd cgroup_fd, cgroup->open_for_clone());
  BERTH_ASSIGN(ClonedChild cloned, clone_child(0, cgroup_fd.get()));
  pid_t pid = cloned.pid;
  if (pid == 0) {
    cgroup_fd.reset();
    // It enters the container while still being the host's binary: not
    // dumpable, so no container process can reach it via /proc (CVE-2019-5736).
    ::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
    parent_end.reset();
    namespaces.pid.reset();
    run_exec_child(namespaces.to_join, spec, seccomp ? &*seccomp : nullptr, *cgroup, options, container.state.pid,
                   child_end.get(), console_socket.release());
  }
  child_end.reset();
  console_socket.reset();
  auto reap = [pid] {
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
  };
  // The child moves itself into the v1 hierarchies (Cgroup::join_self).
  if (!cloned.born_in_cgroup) {
    if (auto added = cgroup->add_process(pid); !added) {
      reap();
      return std::unexpected(added.error());
    }
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
  UniqueFd pty_master;
  if (console_receiver) {
    BERTH_ASSIGN(pty_master, receive_pty_master(console_receiver.get()));
  }
  return wait_in_foreground(pid, pty_master.get(), options.relay_stdin);
}

}  // namespace berth::runtime
