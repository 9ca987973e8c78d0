// The two acts the shim asks of the engine by running the berth binary:
// restarting the container under its restart policy, and one health probe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "shim/shim_config.h"

namespace berth::shim {

// <berth> <berth_arg...> start --policy-restart --restart-delay-ms <next> <id>
std::vector<std::string> restart_command(const ShimConfig& config, uint64_t next_delay_ms);

// <berth> <berth_arg...> container health-probe <id>
std::vector<std::string> health_probe_command(const ShimConfig& config);

}  // namespace berth::shim
