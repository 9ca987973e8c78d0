// ContainerService::exec: docker exec without a daemon. The runtime library
// enters the running container from this process; the new process is our
// child, so its stdio are ours and its exit status is the command's.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/path_in_root.h"
#include "engine/container_service.h"
#include "engine/container_spec.h"
#include "engine/spec_security.h"
#include "engine/spec_user.h"
#include "runtime/container_exec.h"
#include "runtime/container_ops.h"

namespace berth {

namespace {

// A file of the running container's root, read through /proc/<pid>/root
// with every lookup held inside it (a container may plant symlinks).
Result<std::optional<std::string>> read_container_file(pid_t init_pid, std::string_view path) {
  std::string root_path = fmt::format("/proc/{}/root", init_pid);
  UniqueFd root(::open(root_path.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!root) return fail_errno(errno, "open {}", root_path);
  // Non-blocking and regular files only: the container owns these names and
  // could make them a FIFO (a hang) or a device (an endless read).
  auto file = open_in_root(root.get(), path, O_RDONLY | O_NONBLOCK);
  if (!file) {
    if (file.error().errno_value == ENOENT) return std::nullopt;
    return std::unexpected(std::move(file.error()));
  }
  struct stat info {};
  if (::fstat(file->get(), &info) != 0) return fail_errno(errno, "stat {} in the container", path);
  if (!S_ISREG(info.st_mode)) return fail("{} in the container is not a regular file", path);
  constexpr off_t limit = 1 << 20;
  if (info.st_size > limit) return fail("{} in the container is larger than 1 MiB", path);
  std::string text(static_cast<size_t>(info.st_size), '\0');
  ssize_t got = ::pread(file->get(), text.data(), text.size(), 0);
  if (got < 0) return fail_errno(errno, "read {} in the container", path);
  text.resize(static_cast<size_t>(got));
  return text;
}

Result<oci::Process> exec_process(const ContainerRecord& record, const oci::Spec& spec, const ExecRequest& request) {
  if (!spec.process) return fail("container {}: its runtime spec has no process", record.id);
  oci::Process process = *spec.process;  // the container's user, cwd, capabilities, rlimits, …
  process.args = request.cmd;
  process.terminal = request.tty;
  process.console_size.reset();
  std::vector<std::string> env = record.config.env;
  env.insert(env.end(), request.env.begin(), request.env.end());
  process.env = container_env(spec.hostname, request.tty, env);
  if (!request.working_dir.empty()) {
    if (request.working_dir[0] != '/')
      return fail("the working directory '{}' is invalid, it needs to be an absolute path", request.working_dir);
    process.cwd = clean_path(request.working_dir);
  } else if (!record.config.working_dir.empty()) {
    process.cwd = clean_path(record.config.working_dir);
  }
  if (request.privileged) {
    oci::Capabilities all;
    all.bounding = all.effective = all.permitted = available_capabilities();
    process.capabilities = std::move(all);
  }
  return process;
}

// -u against the container's own /etc/passwd and /etc/group. As for the
// container's process, a non-root user starts with no effective or
// permitted capabilities.
Status set_exec_user(oci::Process& process, const ContainerRecord& record, const std::string& user) {
  if (!user.empty()) {
    BERTH_ASSIGN(auto passwd, read_container_file(record.state.pid, "/etc/passwd"));
    BERTH_ASSIGN(auto group, read_container_file(record.state.pid, "/etc/group"));
    BERTH_ASSIGN(process.user, resolve_user(user, record.host.group_add, passwd, group));
  }
  if (process.capabilities && process.user.uid != 0) {
    process.capabilities->effective.clear();
    process.capabilities->permitted.clear();
    process.capabilities->ambient.clear();
  }
  return {};
}

}  // namespace

Result<ExecOutcome> ContainerService::exec(std::string_view name, const ExecRequest& request) {
  if (request.cmd.empty()) return fail("no command specified");
  BERTH_ASSIGN(ContainerRecord record, find(name));
  if (record.state.status == ContainerStatus::paused)
    return fail("Container {} is paused, unpause the container before exec", record.id);
  if (record.state.status != ContainerStatus::running) return fail("container {} is not running", record.id);

  ContainerPaths paths = paths_of(record.id);
  runtime::StateStore store(paths.runtime_root.string());
  BERTH_ASSIGN(oci::Spec spec, runtime::container_spec(store, record.id));
  runtime::ExecOptions options;
  BERTH_ASSIGN(options.process, exec_process(record, spec, request));
  // dockerd learns of a bad user only when the runtime starts the process.
  if (auto user = set_exec_user(options.process, record, request.user); !user)
    return ExecOutcome{126, std::move(user.error().message)};
  options.detach = request.detach;
  UniqueFd null_fd(::open("/dev/null", O_RDWR | O_CLOEXEC));
  if (!null_fd) return fail_errno(errno, "open /dev/null");
  if (request.detach) {
    // Nobody reads a detached process: docker gives it no terminal and
    // no stdio, and it must not hold our caller's pipes open.
    options.process.terminal = false;
    options.stdio = {null_fd.get(), null_fd.get(), null_fd.get()};
  } else if (!request.interactive) {
    options.stdio[0] = null_fd.get();
    options.relay_stdin = false;
  }
  if (request.output_fd >= 0 && !request.tty) options.stdio[1] = options.stdio[2] = request.output_fd;
  // docker's actions name the command: "exec_start: sh -c date".
  std::string command;
  for (const auto& word : request.cmd) command += (command.empty() ? "" : " ") + word;
  emit(record, "exec_create: " + command);
  emit(record, "exec_start: " + command);
  auto status = runtime::exec_in_container(store, record.id, std::move(options));
  if (status && !request.detach) emit(record, "exec_die", {{"exitCode", std::to_string(*status)}});
  if (!status) {
    // The container may have ended between our check and the runtime's.
    if (status.error().message.find("stopped container") != std::string::npos)
      return fail("container {} is not running", record.id);
    return ExecOutcome{126, std::move(status.error().message)};
  }
  return ExecOutcome{request.detach ? 0 : *status, {}};
}

}  // namespace berth
