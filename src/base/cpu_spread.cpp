#include "base/cpu_spread.h"

#include <pthread.h>
#include <sched.h>

namespace berth {

void move_off_this_cpu(std::thread& thread) {
  cpu_set_t allowed;
  CPU_ZERO(&allowed);
  if (::sched_getaffinity(0, sizeof allowed, &allowed) != 0 || CPU_COUNT(&allowed) < 2) return;
  int here = ::sched_getcpu();
  if (here < 0 || here >= CPU_SETSIZE || !CPU_ISSET(here, &allowed)) return;
  CPU_CLR(here, &allowed);
  (void)::pthread_setaffinity_np(thread.native_handle(), sizeof allowed, &allowed);
}

}  // namespace berth
