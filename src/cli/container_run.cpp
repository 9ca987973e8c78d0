// run, create, start and attach: the container commands that make processes
// or join their streams.
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <fmt/format.h>

#include "cli/attach_relay.h"
#include "cli/commands.h"
#include "cli/container_create_flags.h"
#include "cli/reference_display.h"
#include "cli/transfer_progress.h"
#include "engine/container_spec.h"
#include "engine/default_seccomp_profile.h"
#include "engine/network_namespace.h"
#include "oci/image_reference.h"
#include "runtime/container_ops.h"

namespace berth::cli {

namespace {

// docker run's pull of a missing image: the same lines as `docker pull`,
// on stderr, since stdout belongs to the container.
Status pull_for_run(CommandEnv& env, const std::string& image, const std::string& platform, bool quiet) {
  BERTH_ASSIGN(ImageService * images, env.images());
  PullOptions options;
  if (!platform.empty()) {
    auto parsed = parse_platform(platform);
    if (!parsed) return std::unexpected(std::move(parsed.error()));
    options.platform = *parsed;
  }
  auto reference = parse_reference(image);
  if (!reference) return std::unexpected(std::move(reference.error()));
  std::optional<TransferProgressRenderer> renderer;
  if (!quiet) {
    std::string tag_or_digest = reference->digest ? reference->digest->str() : reference->tag;
    env.err(fmt::format("{}: Pulling from {}\n", tag_or_digest, reference->repository));
    renderer.emplace(
        [&env](std::string_view text) { env.err(text); },
        TransferProgressRenderer::Options{.direction = TransferProgressRenderer::Direction::pull, .terminal = false});
    options.progress = [&renderer](const TransferEvent& event) { renderer->on_event(event); };
  }
  auto pulled = images->pull(image, options);
  if (renderer) renderer->finish();
  if (!pulled) return std::unexpected(std::move(pulled.error()));
  if (!quiet) {
    env.err(fmt::format("Digest: {}\n", pulled->manifest_digest));
    env.err(fmt::format("Status: Downloaded newer image for {}\n", familiar_string(pulled->reference)));
  }
  return {};
}

// Creates the container, pulling its image first when the policy says so.
Result<std::string> create_container(CommandEnv& env, const CreateFlags& flags) {
  BERTH_ASSIGN(ContainerService * containers, env.containers());
  if (flags.pull == PullPolicy::always) BERTH_TRY(pull_for_run(env, flags.image, flags.platform, flags.quiet));
  CreateContainerRequest request{flags.name, flags.config, flags.host};
  auto created = containers->create(request);
  if (!created && created.error().errno_value == ENOENT && flags.pull == PullPolicy::missing &&
      created.error().message.starts_with("No such image")) {
    auto reference = parse_reference(flags.image);
    env.err(fmt::format("Unable to find image '{}' locally\n",
                        reference ? familiar_string(tag_key(*reference)) : flags.image));
    BERTH_TRY(pull_for_run(env, flags.image, flags.platform, flags.quiet));
    created = containers->create(request);
  }
  if (!created) return std::unexpected(std::move(created.error()));
  for (const auto& warning : created->warnings) env.err(fmt::format("WARNING: {}\n", warning));
  if (!flags.cidfile.empty()) {
    int fd = ::open(flags.cidfile.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) return fail_errno(errno, "write the container ID file {}", flags.cidfile);
    std::string_view id = created->id;
    bool written = ::write(fd, id.data(), id.size()) == static_cast<ssize_t>(id.size());
    ::close(fd);
    if (!written) return fail("write the container ID file {}", flags.cidfile);
  }
  return created->id;
}

// docker's exit statuses for a container that could not start: 127 when
// the command is not there, 126 when it cannot be run, else 125.
int start_failure_status(const Error& error) {
  const std::string& text = error.message;
  if (text.find("executable file not found") != std::string::npos || text.find("No such file") != std::string::npos)
    return 127;
  if (text.find("ermission denied") != std::string::npos) return 126;
  return 125;
}

// What a detach makes of the command: run and start -a end with 0; docker
// attach says so and ends with 1.
enum class OnDetach { succeed, report };

// Relays the attached streams until the container ends; its exit status.
int relay_until_exit(CommandEnv& env, ContainerService& containers, const std::string& id, StartResult& started,
                     const ContainerConfig& config, const std::string& detach_keys, bool sig_proxy,
                     OnDetach on_detach = OnDetach::succeed) {
  RelayOptions options;
  options.tty = config.tty;
  options.forward_stdin = config.open_stdin && config.attach_stdin;
  options.close_stdin_at_eof = on_detach == OnDetach::succeed || config.stdin_once;
  options.detach_keys = detach_keys;
  if (sig_proxy && !config.tty)
    options.proxy_signal = [&containers, &id](int signal) { (void)containers.kill(id, signal); };
  auto outcome = relay_attach(started.attach_socket.get(), fileno(env.io().in), fileno(env.io().out),
                              fileno(env.io().err), options);
  if (!outcome) return env.report(outcome.error());
  if (outcome->detached) {
    if (on_detach == OnDetach::succeed) return 0;
    env.err("read escape sequence\n");
    return 1;
  }
  if (outcome->exit_code) return *outcome->exit_code;
  auto code = containers.wait(id);
  if (!code) return env.report(code.error());
  return *code;
}

}  // namespace

int command_create(Invocation& invocation) {
  CreateFlags flags;
  invocation.env.open_images_ahead();
  if (auto status = parse_create_command_line(invocation, flags, /*is_run=*/false)) return *status;
  CommandEnv& env = invocation.env;
  auto id = create_container(env, flags);
  if (!id) {
    env.report(id.error());
    return 125;
  }
  env.out(*id + "\n");
  return 0;
}

int command_run(Invocation& invocation) {
  CreateFlags flags;
  invocation.env.open_images_ahead();
  if (auto status = parse_create_command_line(invocation, flags, /*is_run=*/true)) return *status;
  CommandEnv& env = invocation.env;
  // The slowest step of a start, made on another CPU while the store opens
  // and the container is created (see engine/network_namespace.h).
  std::optional<PreparedNetworkNamespace> network;
  if (has_own_network_namespace(flags.host)) {
    std::function<void()> then;
    if (uses_default_seccomp(flags.host)) then = warm_default_seccomp;
    network.emplace(std::move(then));
  }
  auto id = create_container(env, flags);
  if (!id) {
    env.report(id.error());
    return 125;
  }
  auto containers = env.containers();
  if (!containers) return env.report(containers.error());
  StartOptions options;
  options.network = network ? &*network : nullptr;
  options.client_removes = !flags.detach;
  if (!flags.detach) {
    options.attach = AttachRequest{.stdin = flags.config.attach_stdin,
                                   .stdout = flags.config.attach_stdout || !flags.config.attach_stderr,
                                   .stderr = flags.config.attach_stderr || !flags.config.attach_stdout};
  }
  auto started = (*containers)->start(*id, options);
  if (!started) {
    env.report(started.error());
    if (flags.host.auto_remove) (void)(*containers)->remove(*id, {.force = true, .volumes = true});
    return start_failure_status(started.error());
  }
  if (flags.detach) {
    env.out(*id + "\n");
    return 0;
  }
  int status = relay_until_exit(env, **containers, *id, *started, flags.config, flags.detach_keys, flags.sig_proxy);
  // Unless it still runs (detached with the detach keys): then its shim
  // removes it when it ends. Without force, remove refuses a running one.
  if (flags.host.auto_remove)
    (void)(*containers)->remove(*id, {.force = false, .volumes = true, .leave_files_to_shim = true});
  return status;
}

int command_start(Invocation& invocation) {
  bool attach = false, interactive = false, policy_restart = false;
  std::string detach_keys;
  uint64_t restart_delay_ms = 0;
  auto& flags = invocation.flags();
  flags.add_flag("-a,--attach", attach, "Attach STDOUT/STDERR and forward signals");
  flags.add_flag("-i,--interactive", interactive, "Attach container's STDIN");
  flags.add_option("--detach-keys", detach_keys, "Override the key sequence for detaching a container")
      ->type_name("string");
  // Hidden: how a shim restarts its container under the restart policy.
  flags.add_flag("--policy-restart", policy_restart)->group("");
  flags.add_option("--restart-delay-ms", restart_delay_ms)->group("");
  if (auto status = invocation.parse(at_least(1))) return *status;
  CommandEnv& env = invocation.env;
  auto containers = env.containers();
  if (!containers) return env.report(containers.error());
  if ((attach || interactive) && invocation.args().size() > 1) {
    env.report(Error{"you cannot start and attach multiple containers at once"});
    return 1;
  }
  int status = 0;
  for (const std::string& name : invocation.args()) {
    StartOptions options{.policy_restart = policy_restart, .restart_delay_ms = restart_delay_ms};
    auto record = (*containers)->find(name);
    if (!record) {
      env.report(record.error());
      status = 1;
      continue;
    }
    if (attach || interactive)
      options.attach = AttachRequest{.stdin = interactive && record->config.open_stdin, .stdout = true, .stderr = true};
    auto started = (*containers)->start(name, options);
    if (!started) {
      env.report(started.error());
      status = 1;
      continue;
    }
    if (!options.attach) {
      env.out(name + "\n");
      continue;
    }
    ContainerConfig config = record->config;
    config.attach_stdin = interactive;
    return relay_until_exit(env, **containers, record->id, *started, config, detach_keys, true);
  }
  return status;
}

int command_attach(Invocation& invocation) {
  bool no_stdin = false, sig_proxy = true;
  std::string detach_keys;
  auto& flags = invocation.flags();
  flags.add_option("--detach-keys", detach_keys, "Override the key sequence for detaching a container")
      ->type_name("string");
  flags.add_flag("--no-stdin", no_stdin, "Do not attach STDIN");
  flags.add_flag("--sig-proxy", sig_proxy, "Proxy all received signals to the process (default true)");
  if (auto status = invocation.parse(exactly(1))) return *status;
  CommandEnv& env = invocation.env;
  auto containers = env.containers();
  if (!containers) return env.report(containers.error());
  auto record = (*containers)->find(invocation.args()[0]);
  if (!record) return env.report(record.error());
  ContainerConfig config = record->config;
  config.attach_stdin = !no_stdin && config.open_stdin;
  // docker's order: the container's state first, then the terminal (which
  // it checks whenever stdin is wanted, open or not).
  if (record->state.status == ContainerStatus::paused)
    return env.report(Error{"You cannot attach to a paused container, unpause it first"});
  if (record->state.status == ContainerStatus::restarting)
    return env.report(Error{"You cannot attach to a restarting container, wait until it is running"});
  if (!record->state.running()) return env.report(Error{"You cannot attach to a stopped container, start it first"});
  if (config.tty && !no_stdin && ::isatty(fileno(env.io().in)) != 1) {
    env.report(Error{"the input device is not a TTY"});
    return 1;
  }
  if (!detach_keys.empty()) {
    // dockerd's wording for keys it cannot read.
    if (auto keys = parse_detach_keys(detach_keys); !keys)
      return env.report(Error{fmt::format("Invalid detach keys ({}) provided", detach_keys)});
  }
  StartResult attached;
  auto socket = (*containers)->attach(record->id, {.stdin = config.attach_stdin, .stdout = true, .stderr = true});
  if (!socket) return env.report(socket.error());
  attached.attach_socket = std::move(*socket);
  return relay_until_exit(env, **containers, record->id, attached, config, detach_keys, sig_proxy, OnDetach::report);
}

}  // namespace berth::cli
