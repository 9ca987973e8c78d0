#include "runtime/process_clone.h"

#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace berth::runtime {

namespace {

pid_t clone3_child(int namespace_flags, int cgroup_fd) {
  clone_args args{};
  args.flags = static_cast<uint64_t>(namespace_flags);
  args.exit_signal = SIGCHLD;
  if (cgroup_fd >= 0) {
    args.flags |= CLONE_INTO_CGROUP;
    args.cgroup = static_cast<uint64_t>(cgroup_fd);
  }
  return static_cast<pid_t>(::syscall(SYS_clone3, &args, sizeof args));
}

}  // namespace

Result<ClonedChild> clone_child(int namespace_flags, int cgroup_fd) {
  pid_t pid = clone3_child(namespace_flags, cgroup_fd);
  if (pid >= 0) return ClonedChild{pid, cgroup_fd >= 0};
  if (cgroup_fd >= 0 && errno != ENOMEM && errno != EAGAIN) {
    // An older kernel, or a cgroup2 directory clone3 refuses (EBUSY: it has
    // controllers enabled for children): the caller moves the child instead.
    pid = clone3_child(namespace_flags, -1);
    if (pid >= 0) return ClonedChild{pid, false};
  }
  return fail_errno(errno, "clone");
}

}  // namespace berth::runtime
