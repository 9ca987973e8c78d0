// The berth command line: global flags, then a command or a management group
// and its command ("berth images", "berth image ls"), dispatched to the
// functions in commands.h. Separate from berth_main so tests can run it with
// their own stdio and a fake ImageService.
#pragma once

#include <string>
#include <vector>

#include "cli/command_env.h"

namespace berth::cli {

// args: the words after the program name. Returns the exit status.
int run_berth(const std::vector<std::string>& args, const Io& io, EngineOptions options,
              ImageServiceFactory open_images, UnixClock clock = {});

}  // namespace berth::cli
