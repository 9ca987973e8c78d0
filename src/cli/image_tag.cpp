// tag: a new name for an image; docker prints nothing on success.
#include "cli/commands.h"

namespace berth::cli {

int command_tag(Invocation& invocation) {
  if (auto status = invocation.parse(exactly(2))) return *status;
  CommandEnv& env = invocation.env;
  auto service = env.images();
  if (!service) return env.report(service.error());
  if (auto tagged = (*service)->tag(invocation.args()[0], invocation.args()[1]); !tagged)
    return env.report(tagged.error());
  return 0;
}

}  // namespace berth::cli
