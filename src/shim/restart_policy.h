// The restart decision and back-off arithmetic, as Docker's restart manager
// has them: pure functions, so every rule is unit-tested.
#pragma once

#include <cstdint>

#include "shim/shim_config.h"

namespace berth::shim {

struct RestartFacts {
  RestartPolicy policy = RestartPolicy::no;
  int exit_code = 0;
  uint32_t restart_max = 0;  // on-failure:N, 0 = unlimited
  uint32_t restart_count = 0;
  bool stop_requested = false;  // <run-dir>/stop-requested exists
};

bool should_restart(const RestartFacts& facts);

inline constexpr uint64_t initial_restart_delay_ms = 100;
inline constexpr uint64_t max_restart_delay_ms = 60'000;
inline constexpr uint64_t restart_reset_uptime_ms = 10'000;

struct RestartBackoff {
  uint64_t wait_ms;  // sleep this long before restarting
  uint64_t next_ms;  // the delay to hand to the next shim (--restart-delay-ms)
};

// current_ms: the delay the engine passed (0 counts as the initial 100 ms).
// A container that ran for 10 s or more starts over at 100 ms.
RestartBackoff restart_backoff(uint64_t current_ms, uint64_t ran_for_ms);

}  // namespace berth::shim
