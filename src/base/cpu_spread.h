// Work meant to overlap the caller's, on another CPU.
//
// Some schedulers queue a new thread behind its creator, on the creator's
// CPU, until that one sleeps: these VMs boot with sched_vcpu_pack, which
// keeps vCPUs idle, so a thread started to overlap a parse ran only after
// it (600 µs later in a bare test). A thread whose affinity leaves out the
// creator's CPU starts at once (40 µs) on a free one.
#pragma once

#include <thread>

namespace berth {

// Lets `thread` run on any CPU this process may use except the caller's
// current one. Best effort: with a single CPU, or when the affinity cannot
// be set (a cpuset that changed under us), nothing changes. Only for
// short-lived helpers: the affinity stays with the thread.
void move_off_this_cpu(std::thread& thread);

}  // namespace berth
