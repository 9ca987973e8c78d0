// container health-probe: the hidden command a shim runs every healthcheck
// interval (the engine does the probing and the bookkeeping).
#include "cli/commands.h"

namespace berth::cli {

int command_health_probe(Invocation& invocation) {
  if (auto status = invocation.parse(exactly(1))) return *status;
  CommandEnv& env = invocation.env;
  auto containers = env.containers();
  if (!containers) return env.report(containers.error());
  if (auto probed = (*containers)->health_probe(invocation.args()[0]); !probed) return env.report(probed.error());
  return 0;
}

}  // namespace berth::cli
