// The acts the shim asks of the engine by running the berth binary:
// restarting the container under its restart policy, removing a --rm
// container, and one health probe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "shim/shim_config.h"

namespace berth::shim {

// <berth> <berth_arg...> start --policy-restart --restart-delay-ms <next> <id>
std::vector<std::string> restart_command(const ShimConfig& config, uint64_t next_delay_ms);

// <berth> <berth_arg...> rm --force --volumes <id>: a --rm container, once it exited for good.
std::vector<std::string> remove_command(const ShimConfig& config);

// <berth> <berth_arg...> container health-probe <id>
std::vector<std::string> health_probe_command(const ShimConfig& config);

}  // namespace berth::shim
