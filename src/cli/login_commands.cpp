// login and logout: credentials asked for as docker asks, verified and
// stored by the engine.
#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/terminal.h"

namespace berth::cli {

namespace {

std::string trim(std::string text) {
  auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!text.empty() && is_space(text.back())) text.pop_back();
  size_t start = 0;
  while (start < text.size() && is_space(text[start])) ++start;
  return text.substr(start);
}

}  // namespace

int command_login(Invocation& invocation) {
  std::string username, password, cert_dir;
  bool password_stdin = false;
  auto& flags = invocation.flags();
  add_cert_dir_flag(flags, cert_dir);
  flags.add_option("-p,--password", password, "Password")->type_name("string");
  flags.add_flag("--password-stdin", password_stdin, "Take the password from stdin");
  flags.add_option("-u,--username", username, "Username")->type_name("string");
  if (auto status = invocation.parse(at_most(1))) return *status;

  CommandEnv& env = invocation.env;
  Io& io = env.io();
  const std::string server = invocation.args().empty() ? "" : invocation.args()[0];
  if (!password.empty()) {
    env.err("WARNING! Using --password via the CLI is insecure. Use --password-stdin.\n");
    if (password_stdin) return env.report(Error{"--password and --password-stdin are mutually exclusive"});
  }
  if (password_stdin) {
    if (username.empty()) return env.report(Error{"Must provide --username with --password-stdin"});
    password = read_all(io.in);
    if (password.ends_with('\n')) password.pop_back();
    if (password.ends_with('\r')) password.pop_back();
  }

  if (username.empty() || password.empty()) {
    if (!io.in_is_terminal) return env.report(Error{"Cannot perform an interactive login from a non TTY device"});
  }
  if (username.empty()) {
    env.out("Username: ");
    username = trim(read_line(io.in).value_or(""));
    if (username.empty()) return env.report(Error{"Non-null Username Required"});
  }
  if (password.empty()) {
    env.out("Password: ");
    password = read_line_without_echo(io.in).value_or("");
    env.out("\n");
    if (password.empty()) return env.report(Error{"Password Required"});
  }

  env.use_cert_dir(cert_dir);
  auto service = env.images();
  if (!service) return env.report(service.error());
  auto logged_in = (*service)->login(server, username, password);
  if (!logged_in) return env.report(logged_in.error());
  env.out("Login Succeeded\n");
  return 0;
}

int command_logout(Invocation& invocation) {
  if (auto status = invocation.parse(at_most(1))) return *status;
  CommandEnv& env = invocation.env;
  auto service = env.images();
  if (!service) return env.report(service.error());
  const std::string server = invocation.args().empty() ? "" : invocation.args()[0];
  auto key = (*service)->logout(server);
  if (!key) return env.report(key.error());
  env.out(fmt::format("Removing login credentials for {}\n", *key));
  return 0;
}

}  // namespace berth::cli
