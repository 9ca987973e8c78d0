// docker's way with commands over several containers (stop, kill, pause, …):
// act on each name in turn, report each failure, go on, exit 1 if any failed.
#pragma once

#include "cli/command_line.h"

namespace berth::cli {

// `act(ContainerService&, const std::string& name)` returns a Status.
template <class Act>
int for_each_container(Invocation& invocation, Act act) {
  CommandEnv& env = invocation.env;
  auto containers = env.containers();
  if (!containers) return env.report(containers.error());
  bool failed = false;
  for (const std::string& name : invocation.args()) {
    if (auto done = act(**containers, name); !done) {
      env.report(done.error());
      failed = true;
    }
  }
  return failed ? 1 : 0;
}

}  // namespace berth::cli
