#include "shim/berth_commands.h"

namespace berth::shim {

namespace {

std::vector<std::string> with_global_args(const ShimConfig& config) {
  std::vector<std::string> argv;
  argv.reserve(config.berth_args.size() + 6);
  argv.push_back(config.berth);
  argv.insert(argv.end(), config.berth_args.begin(), config.berth_args.end());
  return argv;
}

}  // namespace

std::vector<std::string> restart_command(const ShimConfig& config, uint64_t next_delay_ms) {
  std::vector<std::string> argv = with_global_args(config);
  argv.insert(argv.end(),
              {"start", "--policy-restart", "--restart-delay-ms", std::to_string(next_delay_ms), config.id});
  return argv;
}

std::vector<std::string> remove_command(const ShimConfig& config) {
  std::vector<std::string> argv = with_global_args(config);
  argv.insert(argv.end(), {"rm", "--force", "--volumes", config.id});
  return argv;
}

std::vector<std::string> health_probe_command(const ShimConfig& config) {
  std::vector<std::string> argv = with_global_args(config);
  argv.insert(argv.end(), {"container", "health-probe", config.id});
  return argv;
}

}  // namespace berth::shim
