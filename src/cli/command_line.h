// One berth command's command line, parsed with CLI11 but answering as
// docker's cobra/pflag front end does, since scripts check both the text and
// the exit status:
//   unknown flag: --bogus                      (exit 125)
//   See 'berth images --help'.
//   flag needs an argument: 'f' in -f          (exit 125)
//   "berth tag" requires exactly 2 arguments.  (exit 1, with the usage)
// and --help prints docker's layout (Usage, description, Aliases, Options).
// Flags and arguments may be interleaved; "--" ends the flags.
#pragma once

#include <CLI/CLI.hpp>
#include <optional>
#include <string>
#include <vector>

#include "cli/command_env.h"

namespace berth::cli {

struct CommandInfo {
  std::string path;         // "image ls": the words after "berth"
  std::string usage;        // "[OPTIONS] [REPOSITORY[:TAG]]"
  std::string description;  // "List images"
  std::string aliases;      // "berth image ls, berth image list, berth images"; empty when none
};

struct ArgCount {
  int min = 0;
  int max = -1;  // -1: no limit
};
inline constexpr ArgCount no_args{0, 0};
constexpr ArgCount exactly(int n) { return {n, n}; }
constexpr ArgCount at_least(int n) { return {n, -1}; }
constexpr ArgCount at_most(int n) { return {0, n}; }
constexpr ArgCount between(int min, int max) { return {min, max}; }

inline constexpr int usage_error_status = 125;  // docker's status for flag errors

class Invocation {
 public:
  Invocation(CommandEnv& env, CommandInfo info, std::vector<std::string> words);

  // Declare the command's flags here before parse(). Give options a
  // type_name ("string", "filter", "list") for the help text, as pflag shows them.
  CLI::App& flags() { return app_; }
  // Parses. Returns the exit status to end with (0 after --help, 125 for a
  // flag error, 1 for a wrong number of arguments), or nothing to go on.
  std::optional<int> parse(ArgCount count);
  const std::vector<std::string>& args() const { return args_; }
  // docker's "\"berth tag\" requires exactly 2 arguments." with the usage, on
  // stderr; returns its exit status (1). For commands whose positionals are
  // bound to options and so cannot be counted by parse().
  int report_argument_count(ArgCount count);

  std::string command_path() const { return "berth " + info_.path; }
  std::string help_text() const;

  CommandEnv& env;

 private:
  int flag_error(const std::string& message);
  std::string missing_argument_message(const CLI::ArgumentMismatch& error) const;
  std::string unknown_flag_message(const std::string& word) const;
  std::vector<std::string> normalized_words() const;

  CommandInfo info_;
  std::vector<std::string> words_;
  std::vector<std::string> args_;
  CLI::App app_;
};

// pflag's option table ("  -a, --all   Show all images"), sorted by long name.
std::string options_help(const CLI::App& app);

}  // namespace berth::cli
