// exec: a process from --process FILE, or from the container's own process
// with the command and flags given here (as runc builds it).
#include <unistd.h>

#include "base/file_io.h"
#include "cli/runtime/verbs.h"
#include "runtime/container_exec.h"
#include "runtime/container_ops.h"

namespace berth::cli {

namespace {

Result<uint32_t> parse_id(const std::string& text, const char* what) {
  char* end = nullptr;
  unsigned long value = std::strtoul(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || value > 0xffffffffUL) return fail("invalid {} \"{}\"", what, text);
  return static_cast<uint32_t>(value);
}

Result<oci::Process> process_from_flags(const Globals& globals, const ExecFlags& flags, const std::string& id) {
  if (!flags.process_file.empty()) {
    auto text = flags.process_file == "-" ? read_file("/dev/stdin") : read_file(flags.process_file);
    if (!text) return with_context(std::move(text), "--process");
    auto process = oci::parse_process(*text);
    if (!process) return with_context(std::move(process), flags.process_file);
    return process;
  }
  if (flags.words.size() < 2) return fail("exec: a command to run is required");
  BERTH_TRY(runtime::load_container(globals.store(), id));
  auto spec = runtime::container_spec(globals.store(), id);
  if (!spec) return with_context(std::move(spec), "load the container's config");
  oci::Process process = *spec->process;
  process.args.assign(flags.words.begin() + 1, flags.words.end());
  process.terminal = flags.tty;
  process.console_size.reset();
  for (const auto& variable : flags.env) {
    // A variable given again replaces the config's.
    auto name = variable.substr(0, variable.find('='));
    std::erase_if(process.env,
                  [&](const std::string& existing) { return existing.substr(0, existing.find('=')) == name; });
    process.env.push_back(variable);
  }
  if (!flags.cwd.empty()) process.cwd = flags.cwd;
  if (!flags.user.empty()) {
    auto colon = flags.user.find(':');
    BERTH_ASSIGN(process.user.uid, parse_id(flags.user.substr(0, colon), "uid"));
    if (colon != std::string::npos) {
      BERTH_ASSIGN(process.user.gid, parse_id(flags.user.substr(colon + 1), "gid"));
    }
  }
  for (const auto& gid : flags.additional_gids) {
    BERTH_ASSIGN(uint32_t parsed, parse_id(gid, "additional gid"));
    process.user.additional_gids.push_back(parsed);
  }
  if (!flags.capabilities.empty()) {
    if (!process.capabilities) process.capabilities.emplace();
    for (const auto& capability : flags.capabilities)
      for (auto* set : {&process.capabilities->bounding, &process.capabilities->effective,
                        &process.capabilities->permitted, &process.capabilities->ambient})
        set->push_back(capability);
  }
  if (flags.no_new_privs) process.no_new_privileges = true;
  return process;
}

}  // namespace

int verb_exec(const Globals& globals, const ExecFlags& flags) {
  if (flags.words.empty()) return globals.report(Error{"exec: a container id is required"});
  const std::string& id = flags.words.front();
  auto process = process_from_flags(globals, flags, id);
  if (!process) return globals.report(std::move(process.error()).context("exec " + id));
  runtime::ExecOptions options;
  options.process = std::move(*process);
  options.console_socket = flags.console_socket;
  options.pid_file = flags.pid_file;
  options.preserve_fds = flags.preserve_fds;
  options.detach = flags.detach;
  auto status = runtime::exec_in_container(globals.store(), id, std::move(options));
  if (!status) return globals.report(std::move(status.error()).context("exec " + id));
  return flags.detach ? 0 : *status;
}

}  // namespace berth::cli
