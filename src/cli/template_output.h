// `--format` for commands that print one document (version, info): "json"
// or a Go template over it, with docker's exit status 64 for a template
// that does not parse.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "cli/command_env.h"

namespace berth::cli {

// Prints `data` through `format` and a newline; returns the exit status.
int print_with_template(CommandEnv& env, std::string format, const nlohmann::json& data);

}  // namespace berth::cli
