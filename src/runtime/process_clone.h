// Creating the container's processes: like fork(), but in new namespaces and
// born in the container's cgroup in the same step where the kernel allows.
#pragma once

#include <sys/types.h>

#include "base/result.h"

namespace berth::runtime {

struct ClonedChild {
  pid_t pid = -1;               // 0 in the child
  bool born_in_cgroup = false;  // else the caller moves it in (Cgroup::add_process)
};

// clone3 with no stack runs the child on a copy of our stack, as fork does.
// Given a cgroup2 directory fd (Cgroup::open_for_clone), the child starts in
// that cgroup (CLONE_INTO_CGROUP), which spares the kernel's global cgroup
// migration lock; if the kernel refuses that cgroup, a plain clone follows.
Result<ClonedChild> clone_child(int namespace_flags, int cgroup_fd);

}  // namespace berth::runtime
