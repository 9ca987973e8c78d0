// exec: docker exec's flags and exit statuses. The command's own status is
// ours; a process that cannot be started is 126 (as dockerd reports it), an
// engine error (no such container, not running) is 1.
#include <unistd.h>

#include <cstdlib>

#include "cli/commands.h"
#include "cli/key_value_file.h"

namespace berth::cli {

namespace {

std::optional<std::string> host_env(const std::string& key) {
  const char* value = std::getenv(key.c_str());
  return value ? std::optional<std::string>(value) : std::nullopt;
}

// -e KEY=value as given; -e KEY takes the value from our environment, and is
// left out when we have none (docker's rule, as for run).
Result<std::vector<std::string>> exec_environment(const std::vector<std::string>& env_files,
                                                  const std::vector<std::string>& variables) {
  std::vector<std::string> env;
  for (const std::string& path : env_files) {
    BERTH_ASSIGN(auto lines, read_key_value_file(path, "env", host_env));
    env.insert(env.end(), lines.begin(), lines.end());
  }
  for (const std::string& variable : variables) {
    if (variable.empty() || variable.front() == '=') return fail("invalid environment variable: {}", variable);
    if (variable.find('=') != std::string::npos) {
      env.push_back(variable);
    } else if (auto value = host_env(variable)) {
      env.push_back(variable + "=" + *value);
    }
  }
  return env;
}

}  // namespace

int command_exec(Invocation& invocation) {
  ExecRequest request;
  std::vector<std::string> variables, env_files;
  std::string detach_keys, container;
  auto& flags = invocation.flags();
  flags.add_flag("-d,--detach", request.detach, "Detached mode: run command in the background");
  flags.add_option("--detach-keys", detach_keys, "Override the key sequence for detaching a container")
      ->type_name("string");
  // One value per occurrence: "-e A B" is A, then the container B.
  flags.add_option("-e,--env", variables, "Set environment variables")->type_name("list")->allow_extra_args(false);
  flags.add_option("--env-file", env_files, "Read in a file of environment variables")
      ->type_name("list")
      ->allow_extra_args(false);
  flags.add_flag("-i,--interactive", request.interactive, "Keep STDIN open even if not attached");
  flags.add_flag("--privileged", request.privileged, "Give extended privileges to the command");
  flags.add_flag("-t,--tty", request.tty, "Allocate a pseudo-TTY");
  flags.add_option("-u,--user", request.user, "Username or UID (format: \"<name|uid>[:<group|gid>]\")")
      ->type_name("string");
  flags.add_option("-w,--workdir", request.working_dir, "Working directory inside the container")
      ->type_name("string");
  // CONTAINER COMMAND [ARG...]: the first positional ends the flags, so the
  // command's own flags ("ls -l") stay the command's.
  CLI::Option_group* arguments = flags.add_option_group("arguments");
  arguments->add_option("CONTAINER", container);
  arguments->add_option("COMMAND", request.cmd)->allow_extra_args(true);
  flags.positionals_at_end(true);
  if (auto status = invocation.parse(at_least(0))) return *status;
  if (container.empty() || request.cmd.empty()) return invocation.report_argument_count(at_least(2));
  CommandEnv& env = invocation.env;

  if (request.interactive && request.tty && !request.detach && ::isatty(fileno(env.io().in)) != 1) {
    env.report(Error{"the input device is not a TTY"});
    return 1;
  }
  auto environment = exec_environment(env_files, variables);
  if (!environment) {
    env.report(environment.error());
    return 125;
  }
  request.env = std::move(*environment);
  auto containers = env.containers();
  if (!containers) return env.report(containers.error());
  // Our buffered output goes first: the process writes to the same fds.
  std::fflush(env.io().out);
  std::fflush(env.io().err);
  auto outcome = (*containers)->exec(container, request);
  if (!outcome) {
    env.report(outcome.error());
    return 1;
  }
  if (!outcome->start_error.empty()) env.report(Error{"OCI runtime exec failed: " + outcome->start_error});
  return outcome->exit_code;
}

}  // namespace berth::cli
