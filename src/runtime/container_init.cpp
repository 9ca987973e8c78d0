#include "runtime/container_init.h"

#include <fcntl.h>
#include <linux/keyctl.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>

#include "base/path_in_root.h"
#include "base/sigpipe_guard.h"
#include "runtime/console.h"
#include "runtime/hooks.h"
#include "runtime/process_launch.h"
#include "runtime/process_setup.h"
#include "runtime/rootfs.h"
#include "runtime/state_json.h"
#include "runtime/sync_channel.h"

namespace berth::runtime {

namespace {

constexpr std::string_view runtime_peer = "berth-runtime";

Status set_host_and_domain_name(const oci::Spec& spec) {
  if (!spec.hostname.empty() && ::sethostname(spec.hostname.data(), spec.hostname.size()) != 0)
    return fail_errno(errno, "sethostname {}", spec.hostname);
  if (!spec.domainname.empty() && ::setdomainname(spec.domainname.data(), spec.domainname.size()) != 0)
    return fail_errno(errno, "setdomainname {}", spec.domainname);
  return {};
}

// After the byte: waits until a `start` commits (it unlinks the fifo, then
// reads the byte). A start killed before that leaves the byte in the pipe,
// which this writer keeps open: the next start finds it there. Checked with
// a short, growing sleep: nothing wakes a writer when its byte is read, and
// with no reader left, poll would report POLLERR at once, every time.
void await_commit(int writer, int fifo_fd) {
  // The default 50 us of timer slack would make the first, 20 us sleep one
  // of ~100 us here; the start usually commits within a few tens.
  ::prctl(PR_SET_TIMERSLACK, 1, 0, 0, 0);
  for (long wait_ns = 20'000;; wait_ns = std::min(wait_ns * 2, 20'000'000L)) {
    struct stat info {};
    int unread = 0;
    if ((::fstat(fifo_fd, &info) == 0 && info.st_nlink == 0) ||
        (::ioctl(writer, FIONREAD, &unread) == 0 && unread == 0))
      break;
    timespec wait{0, wait_ns};
    ::nanosleep(&wait, nullptr);
  }
  ::prctl(PR_SET_TIMERSLACK, 0, 0, 0, 0);  // back to the default, which the process inherits
}

// Blocks until a `start` opens the fifo for reading and commits, then tells
// it we go. The returned writer is close-on-exec and must stay open until
// execve: `start` reads until end of file, so it returns only once the
// process runs. A `start` that went away before committing is no start: we
// wait for the next one, and the container stays created.
Result<UniqueFd> wait_for_start(int fd_dir, int fifo_fd) {
  for (;;) {
    // Reopened through the host procfs opened before pivot_root: the
    // container's own /proc (or a file the image put there) is not trusted.
    UniqueFd writer(::openat(fd_dir, std::to_string(fifo_fd).c_str(), O_WRONLY | O_CLOEXEC));
    if (!writer) {
      if (errno == EINTR) continue;
      return fail_errno(errno, "open exec fifo");
    }
    char zero = '0';
    SigpipeGuard sigpipe_guard;  // the reader may be gone already
    ssize_t wrote = ::write(writer.get(), &zero, 1);
    if (wrote < 0 && errno == EPIPE) {
      sigpipe_guard.saw_epipe();
      continue;
    }
    if (wrote < 0 && errno == EINTR) continue;
    if (wrote != 1) return fail_errno(errno, "write exec fifo");
    await_commit(writer.get(), fifo_fd);
    return writer;
  }
}

// Joins a cgroup whose v1 directories the runtime makes while we set up
// (Cgroup::begin_create), once it says they exist. Once; no-op after.
Status join_pending_cgroup(InitContext& context) {
  if (!context.cgroup_pending) return {};
  context.cgroup_pending = false;
  BERTH_TRY(expect_step(context.sync_fd, SyncStep::cgroup_ready, runtime_peer));
  return context.cgroup->join_self();
}

Status initialize(InitContext& context, PreparedProcess& prepared) {
  const oci::Spec& spec = *context.spec;
  NamespacePlan& plan = *context.namespaces;

  // Still single-threaded and with the runtime's credentials: move ourselves in.
  if (context.cgroup && !context.cgroup_pending) BERTH_TRY(context.cgroup->join_self());
  if (context.awaits_go) {
    // The runtime writes our id maps (and anything else it sets on us), then says go.
    BERTH_ASSIGN(SyncMessage go, expect_step(context.sync_fd, SyncStep::go, runtime_peer));
    context.state.pid = static_cast<pid_t>(std::strtol(go.text.c_str(), nullptr, 10));
  } else if (spec.process && spec.process->oom_score_adj) {
    BERTH_TRY(apply_oom_score_adj(0, *spec.process->oom_score_adj));  // 0: /proc/self, the host's procfs still
  }
  BERTH_TRY(join_namespaces(plan.to_join));
  if (plan.new_user_namespace || spec.linux.find_namespace(oci::NamespaceType::user)) {
    BERTH_TRY(become_namespace_root());
  }
  if (plan.unshare_cgroup) {
    // The new namespace is rooted at the cgroup we are in.
    BERTH_TRY(join_pending_cgroup(context));
    if (::unshare(CLONE_NEWCGROUP) != 0) return fail_errno(errno, "unshare cgroup namespace");
  }
  if (plan.unshare_time) {
    if (::unshare(CLONE_NEWTIME) != 0) return fail_errno(errno, "unshare time namespace");
    BERTH_TRY(write_time_offsets(spec.linux.time_offsets));
  }
  if (!context.no_new_keyring) {
    // A session keyring of the container's own; kernels without keys are fine.
    if (::syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, context.id.c_str()) < 0 && errno != ENOSYS &&
        errno != EACCES && errno != EDQUOT)
      return fail_errno(errno, "join a new session keyring");
  }

  RootfsOptions rootfs_options;
  rootfs_options.rootfs = context.rootfs;
  rootfs_options.bundle = context.bundle;
  rootfs_options.in_user_namespace = plan.new_user_namespace || spec.linux.find_namespace(oci::NamespaceType::user);
  rootfs_options.new_cgroup_namespace = spec.linux.find_namespace(oci::NamespaceType::cgroup) != nullptr;
  bool own_mount_namespace = spec.linux.find_namespace(oci::NamespaceType::mount) != nullptr;
  if (auto overlay = spec.annotations.find(std::string(kOverlayRootfsAnnotation)); overlay != spec.annotations.end()) {
    if (!own_mount_namespace) return fail("annotation {}: needs a mount namespace", kOverlayRootfsAnnotation);
    rootfs_options.overlay = overlay->second;
  }
  rootfs_options.before_cgroup_mount = [&context] { return join_pending_cgroup(context); };
  if (own_mount_namespace) BERTH_TRY(prepare_rootfs(spec, rootfs_options));
  // At the latest here: the host's cgroup files are out of reach once we pivot.
  BERTH_TRY(join_pending_cgroup(context));

  UniqueFd own_fd_dir(::open("/proc/self/fd", O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!own_fd_dir) return fail_errno(errno, "open /proc/self/fd");
  UniqueFd root_fd(::open(context.rootfs.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!root_fd) return fail_errno(errno, "open rootfs {}", context.rootfs);
  if (spec.process) {
    // runc creates a missing cwd; do it while the root is still writable.
    BERTH_TRY(make_directories_in_root(root_fd.get(), spec.process->cwd));
  }

  Pty pty;
  if (spec.process && spec.process->terminal) {
    if (context.console_socket_fd < 0) return fail("process.terminal is true but no --console-socket was given");
    BERTH_ASSIGN(pty, open_pty_in_root(root_fd.get(), spec.process->console_size));
    if (own_mount_namespace) BERTH_TRY(bind_console(fd_path(pty.slave.get())));
  }

  if (has_runtime_create_hooks(spec.hooks)) {
    BERTH_TRY(send_step(context.sync_fd, SyncStep::run_hooks));
    BERTH_TRY(expect_step(context.sync_fd, SyncStep::hooks_done, runtime_peer));
  }
  BERTH_TRY(run_hooks(spec.hooks.create_container, "createContainer",
                      hook_state_json(context.state, ContainerStatus::creating)));

  if (own_mount_namespace) {
    BERTH_TRY(enter_rootfs(spec, rootfs_options, context.no_pivot));
  } else if (::chroot(context.rootfs.c_str()) != 0 || ::chdir("/") != 0) {
    return fail_errno(errno, "chroot {}", context.rootfs);
  }
  root_fd.reset();

  if (pty.master) BERTH_TRY(hand_over_terminal(pty, context.console_socket_fd));
  if (context.console_socket_fd >= 0) ::close(context.console_socket_fd);

  BERTH_TRY(set_host_and_domain_name(spec));
  if (spec.linux.personality) BERTH_TRY(apply_personality(*spec.linux.personality));
  BERTH_ASSIGN(prepared, prepare_process(*spec.process, context.seccomp));
  if (prepared.seccomp_listener)
    BERTH_TRY(send_step(context.sync_fd, SyncStep::seccomp_fd, {}, prepared.seccomp_listener.get()));
  BERTH_TRY(send_step(context.sync_fd, SyncStep::ready));
  if (context.fifo_fd >= 0) {
    ::close(context.sync_fd);
    context.sync_fd = -1;
    BERTH_ASSIGN(context.start_confirmation, wait_for_start(own_fd_dir.get(), context.fifo_fd));
    ::close(context.fifo_fd);
    context.fifo_fd = -1;
  } else {
    // The sync socket stays open (close-on-exec) to the same end.
    BERTH_TRY(expect_step(context.sync_fd, SyncStep::start, runtime_peer));
  }
  // startContainer hooks run in the container, once `start` released it.
  BERTH_TRY(run_hooks(spec.hooks.start_container, "startContainer",
                      hook_state_json(context.state, ContainerStatus::running)));
  return {};
}

}  // namespace

bool init_awaits_go(const NamespacePlan& plan, bool born_in_cgroup, const oci::Spec& spec) {
  return plan.new_user_namespace || plan.joins_user_namespace || !born_in_cgroup ||
         !spec.hooks.create_container.empty() || !spec.hooks.start_container.empty();
}

void run_container_init(InitContext& context) {
  // Until execve replaces it, this process is the host's berth-runtime: keep
  // container processes from opening it through /proc/PID/exe (CVE-2019-5736).
  // execve of the container's program makes it dumpable again.
  ::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
  PreparedProcess prepared;
  auto initialized = initialize(context, prepared);
  Error error;
  if (initialized) {
    error = launch_process(*context.spec->process, prepared, context.preserve_fds);
  } else {
    error = std::move(initialized.error());
  }
  if (context.sync_fd >= 0) {
    (void)send_step(context.sync_fd, SyncStep::failed, error.message);
  } else if (context.start_confirmation) {
    // `start` is reading the fifo until end of file: tell it why instead.
    std::string report = "e" + error.message;
    SigpipeGuard sigpipe_guard;  // a start killed after it committed reads nothing
    if (::write(context.start_confirmation.get(), report.data(), report.size()) < 0 && errno == EPIPE)
      sigpipe_guard.saw_epipe();
  } else {
    // After `ready` the runtime is gone: stderr is all we have.
    std::string line = "berth-runtime: container init: " + error.message + "\n";
    (void)!::write(2, line.data(), line.size());
  }
  ::_exit(127);
}

}  // namespace berth::runtime
