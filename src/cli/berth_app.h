// The berth command line: global flags, then a command or a management group
// and its command ("berth images", "berth image ls"), dispatched to the
// functions in commands.h. Separate from berth_main so tests can run it with
// their own stdio and a fake ImageService.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "cli/command_env.h"

namespace berth::cli {

// Called with a command's exit status as soon as it has run, while what the
// command line built is still standing: the berth binary ends the process
// there (berth_main.cpp); tests leave it empty and get the status back.
using CommandDone = std::function<void(int status)>;

// args: the words after the program name. Returns the exit status.
int run_berth(const std::vector<std::string>& args, const Io& io, EngineOptions options,
              ImageServiceFactory open_images, UnixClock clock = {}, CommandDone done = {});

}  // namespace berth::cli
