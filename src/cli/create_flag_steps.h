// The steps of converting `berth run/create` flags (container_create_flags.h),
// shared by the files that hold them; not an interface for commands.
//   create_flag_parsing.cpp:    stage 1, the values docker's flag parser
//                               rejects as it reads each flag (pflag errors);
//   create_flag_conversion.cpp: stage 2, docker's parse() of the options into
//                               Config and HostConfig, with the daemon's checks.
#pragma once

#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "base/result.h"
#include "cli/container_create_flags.h"

namespace berth::cli::create_flags_detail {

using Step = std::expected<void, CreateFlagsError>;

// Returns a failed Step (or any std::expected<…, CreateFlagsError>) to the caller.
#define CREATE_TRY(expr)                                                         \
  do {                                                                           \
    auto create_try_result_ = (expr);                                            \
    if (!create_try_result_) return std::unexpected(create_try_result_.error()); \
  } while (0)

// pflag's rejection of a value: `invalid argument "V" for "-m, --memory" flag: WHY`.
std::unexpected<CreateFlagsError> value_error(std::string_view flag, std::string_view value, std::string_view why);
std::unexpected<CreateFlagsError> config_error(std::string message);
template <class T>
std::unexpected<CreateFlagsError> config_error(const Result<T>& result) {
  return config_error(result.error().message);
}
// A pflag-typed value: parsed, or the flag error naming it.
template <class T>
std::expected<T, CreateFlagsError> flag_value(std::string_view flag, std::string_view value, Result<T> parsed) {
  if (!parsed) return value_error(flag, value, parsed.error().message);
  return std::move(*parsed);
}
// "k=v" → (k, v); "k" → (k, "").
std::pair<std::string, std::string> split_key_value(std::string_view text);

// Everything typed as a number, size or duration, parsed.
struct TypedValues {
  int64_t memory = 0, memory_reservation = 0, memory_swap = 0, shm_size = 0, nano_cpus = 0;
  int64_t cpu_shares = 0, cpu_period = 0, cpu_quota = 0, cpu_rt_period = 0, cpu_rt_runtime = 0;
  int64_t memory_swappiness = -1, oom_score_adj = 0, pids_limit = 0, health_retries = 0, blkio_weight = 0;
  std::optional<int64_t> stop_timeout;
  int64_t health_interval = 0, health_timeout = 0, health_start_period = 0, health_start_interval = 0;
};

// Stage 1.
Step check_listed_values(CreateFlags& flags);
std::expected<TypedValues, CreateFlagsError> check_typed_values(CreateFlags& flags);

// Stage 2, in docker's order.
Step convert_storage(CreateFlags& flags, const CreateFlagsHost& host);
Step convert_network(CreateFlags& flags);
Step convert_environment(CreateFlags& flags, const CreateFlagsHost& host);
Step convert_modes(CreateFlags& flags);
Step convert_restart(CreateFlags& flags);
Step convert_logging(CreateFlags& flags);
Step convert_security(CreateFlags& flags);
Step convert_health(CreateFlags& flags, const TypedValues& typed);
Step convert_resources(CreateFlags& flags, const TypedValues& typed, const CreateFlagsHost& host);
Step convert_identity(CreateFlags& flags);
Step convert_attach(CreateFlags& flags);
Step check_network_conflicts(const CreateFlags& flags);

}  // namespace berth::cli::create_flags_detail
