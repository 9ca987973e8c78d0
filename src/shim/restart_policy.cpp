#include "shim/restart_policy.h"

#include <algorithm>

namespace berth::shim {

bool should_restart(const RestartFacts& facts) {
  if (facts.stop_requested) return false;
  switch (facts.policy) {
    case RestartPolicy::no:
      return false;
    case RestartPolicy::always:
    case RestartPolicy::unless_stopped:
      return true;
    case RestartPolicy::on_failure:
      return facts.exit_code != 0 && (facts.restart_max == 0 || facts.restart_count < facts.restart_max);
  }
  return false;
}

RestartBackoff restart_backoff(uint64_t current_ms, uint64_t ran_for_ms) {
  uint64_t wait = current_ms;
  if (wait == 0 || ran_for_ms >= restart_reset_uptime_ms) wait = initial_restart_delay_ms;
  wait = std::min(wait, max_restart_delay_ms);
  return RestartBackoff{wait, std::min(wait * 2, max_restart_delay_ms)};
}

}  // namespace berth::shim
