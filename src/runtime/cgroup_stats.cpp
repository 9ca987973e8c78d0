// CgroupStats in the JSON shape of runc's `events --stats` "data" object.
#include <nlohmann/json.hpp>

#include "runtime/cgroup.h"

namespace berth::runtime {

nlohmann::json CgroupStats::to_json() const {
  return {
      {"cpu",
       {{"usage", {{"total", cpu_usage_total_ns}, {"kernel", cpu_usage_kernel_ns}, {"user", cpu_usage_user_ns}}},
        {"throttling",
         {{"periods", cpu_periods},
          {"throttled_periods", cpu_throttled_periods},
          {"throttled_time", cpu_throttled_time_ns}}}}},
      {"memory",
       {{"usage",
         {{"limit", memory_limit}, {"usage", memory_usage}, {"max", memory_max_usage}, {"failcnt", memory_failcnt}}},
        {"swap", {{"limit", swap_limit}, {"usage", swap_usage}}}}},
      {"pids", {{"current", pids_current}, {"limit", pids_limit}}},
  };
}

}  // namespace berth::runtime
