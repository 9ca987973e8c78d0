// ContainerService::start: the runtime spec, the run dir, the shim, then the
// process. Runs with the container's lock held.
#include <fcntl.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "base/fd_passing.h"
#include "base/file_io.h"
#include "base/go_units.h"
#include "engine/container_files.h"
#include "engine/container_launch.h"
#include "engine/container_service.h"
#include "engine/container_spec.h"
#include "engine/default_seccomp_profile.h"
#include "engine/host_facts.h"
#include "engine/mount_point_layer.h"
#include "engine/network_namespace.h"
#include "engine/seccomp_context.h"
#include "engine/seccomp_profile.h"
#include "oci/runtime_spec_write.h"
#include "runtime/container_ops.h"
#include "runtime/rootfs.h"
#include "shim/attach_frame.h"

namespace berth {

namespace {

uint64_t host_nofile_hard() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return 0;
  return limit.rlim_max;
}

// Docker's --security-opt seccomp=…: "unconfined", or the profile's JSON
// (the CLI reads a profile file and passes its content).
Result<std::optional<oci::Seccomp>> choose_seccomp(const HostConfig& host, const oci::Spec& spec) {
  if (host.privileged) return std::nullopt;
  std::optional<std::string> profile;
  for (const auto& option : host.security_opt) {
    auto text = seccomp_security_opt(option);
    if (!text) continue;
    if (*text == "unconfined") return std::nullopt;
    profile = std::string(*text);
  }
  std::vector<std::string> capabilities;
  if (spec.process && spec.process->capabilities) capabilities = spec.process->capabilities->bounding;
  BERTH_ASSIGN(SeccompContext context, host_seccomp_context(std::move(capabilities)));
  if (profile) {
    auto resolved = seccomp_from_profile(*profile, context);
    if (!resolved) return with_context(std::move(resolved), "seccomp profile");
    return *resolved;
  }
  return default_seccomp(context);
}

std::string shim_config_text(const ContainerRecord& record, const ContainerPaths& paths, const EngineOptions& options,
                             const std::string& berth_binary, const StartOptions& start) {
  const HostConfig& host = record.host;
  std::string text;
  auto line = [&](std::string_view key, const auto& value) { text += fmt::format("{}={}\n", key, value); };
  line("id", record.id);
  line("terminal", record.config.tty ? 1 : 0);
  line("stdin", record.config.open_stdin ? 1 : 0);
  line("stdin_once", record.config.stdin_once ? 1 : 0);
  line("log_driver", host.log_config.type == "none" ? "none" : "json-file");
  line("log_path", paths.log().string());
  auto option = [&](const char* key) -> std::string {
    auto found = host.log_config.config.find(key);
    return found == host.log_config.config.end() ? std::string() : found->second;
  };
  // The shim counts bytes; the config keeps docker's "10m" (create checked it).
  if (auto size = option("max-size"); !size.empty())
    if (auto bytes = from_human_size(size); bytes && *bytes > 0) line("log_max_size", *bytes);
  if (auto files = option("max-file"); !files.empty()) line("log_max_file", files);
  std::string policy = host.restart_policy.name.empty() ? "no" : host.restart_policy.name;
  line("restart", policy);
  line("restart_max", host.restart_policy.maximum_retry_count);
  line("restart_count", record.state.restart_count);
  line("restart_delay_ms", start.restart_delay_ms == 0 ? 100 : start.restart_delay_ms);
  line("auto_remove", host.auto_remove ? 1 : 0);
  if (start.attach) line("attach_client", 1);
  if (host.auto_remove && start.client_removes) {
    line("client_pid", ::getpid());
    line("leftover_path", paths.trash().string());
  }
  line("events_log", (options.runroot / "events.log").string());
  line("event_name", record.name);
  line("event_image", record.image_name.empty() ? record.image_id.str() : record.image_name);
  if (!record.config.labels.empty()) {
    // The die event's label attributes, as JSON members: escaped, so one line.
    auto encode = [](const std::string& text) {
      return nlohmann::json(text).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    };
    std::string members;
    for (const auto& [key, value] : record.config.labels)
      members += (members.empty() ? "" : ",") + encode(key) + ":" + encode(value);
    line("event_labels", members);
  }
  const auto& health = record.config.healthcheck;
  if (has_healthcheck(record.config)) {
    int64_t interval_ns = health->interval > 0 ? health->interval : 30'000'000'000;
    line("health_interval_ms", interval_ns / 1'000'000);
  }
  line("berth", berth_binary);
  line("berth_arg", "--root");
  line("berth_arg", options.root.string());
  line("berth_arg", "--runroot");
  line("berth_arg", options.runroot.string());
  return text;
}

Result<std::string> berth_binary() {
  std::error_code error;
  auto self = std::filesystem::read_symlink("/proc/self/exe", error);
  if (error) return fail("read /proc/self/exe: {}", error.message());
  return self.string();
}

// The shim broadcasts output only to clients whose hello it has read; until
// it says so, output of a started container could pass this client by.
Status await_attached(int socket_fd) {
  constexpr int limit_ms = 10'000;
  pollfd entry{socket_fd, POLLIN, 0};
  int ready = ::poll(&entry, 1, limit_ms);
  if (ready < 0) return fail_errno(errno, "attach to the container: wait for the shim");
  if (ready == 0) return fail("attach to the container: the shim did not answer within {} s", limit_ms / 1000);
  char header[shim::frame_header_size];
  ssize_t got = ::recv(socket_fd, header, sizeof header, MSG_WAITALL);
  if (got != static_cast<ssize_t>(sizeof header))
    return fail("attach to the container: the shim closed the connection");
  if (static_cast<uint8_t>(header[0]) != shim::frame_kind::attached)
    return fail("attach to the container: the shim answered with frame kind {}, not attached",
                static_cast<int>(static_cast<uint8_t>(header[0])));
  return {};
}

Status send_hello(int socket_fd, const AttachRequest& request) {
  std::string streams;
  if (request.stdin) streams += "stdin ";
  if (request.stdout) streams += "stdout ";
  if (request.stderr) streams += "stderr";
  std::string hello;
  shim::append_frame(hello, shim::frame_kind::hello, streams);
  if (::send(socket_fd, hello.data(), hello.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(hello.size()))
    return fail_errno(errno, "attach to the container");
  return {};
}

// Connects to the shim's attach socket and waits until it has taken the hello.
Result<UniqueFd> connect_attach(const ContainerPaths& paths, const AttachRequest& request) {
  // Through the run dir's fd: the full path may exceed sun_path's 108 bytes.
  UniqueFd run_dir(::open(paths.run_dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!run_dir) return fail_errno(errno, "open {}", paths.run_dir.string());
  BERTH_ASSIGN(UniqueFd socket, connect_unix(fmt::format("/proc/self/fd/{}/attach.sock", run_dir.get())));
  BERTH_TRY(send_hello(socket.get(), request));
  BERTH_TRY(await_attached(socket.get()));
  return socket;
}

// An attach client for the shim to take at launch: a socket pair whose
// shim end the launcher hands over, the hello already in it.
struct LaunchClient {
  UniqueFd ours, shims;
};

Result<LaunchClient> make_launch_client(const AttachRequest& request) {
  int ends[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, ends) != 0)
    return fail_errno(errno, "attach to the container: socketpair");
  LaunchClient client{UniqueFd(ends[0]), UniqueFd(ends[1])};
  BERTH_TRY(send_hello(client.ours.get(), request));
  return client;
}

}  // namespace

Result<UniqueFd> ContainerService::attach(std::string_view name, const AttachRequest& request) {
  BERTH_ASSIGN(ContainerRecord found, lookup(name));
  BERTH_ASSIGN(auto held, lock(found.id));
  BERTH_ASSIGN(ContainerRecord record, lookup(found.id));
  BERTH_TRY(refresh(record));
  if (record.state.status == ContainerStatus::paused)
    return fail("You cannot attach to a paused container, unpause it first");
  if (!record.state.running()) return fail("You cannot attach to a stopped container, start it first");
  return connect_attach(paths_of(record.id), request);
}

Result<StartResult> ContainerService::start(std::string_view name, const StartOptions& options) {
  BERTH_ASSIGN(ContainerRecord found, lookup(name));
  BERTH_ASSIGN(auto held, lock(found.id));
  BERTH_ASSIGN(ContainerRecord record, lookup(found.id));
  BERTH_TRY(refresh(record));
  StartResult result;
  if (record.state.status == ContainerStatus::paused)
    return fail("cannot start a paused container, try unpause instead");
  if (record.state.running()) {  // as Docker: starting a running container only attaches, if asked
    if (options.attach) {
      BERTH_ASSIGN(result.attach_socket, connect_attach(paths_of(record.id), *options.attach));
    }
    return result;
  }
  if (options.policy_restart && record.state.stop_requested) return result;  // stopped meanwhile
  auto launched = launch(record, options, result);
  if (!launched) {
    (void)release_runtime(record);
    record.state.error = launched.error().message;
    (void)save_state(record);
    return std::unexpected(std::move(launched.error()));
  }
  return result;
}

Status ContainerService::launch(ContainerRecord& record, const StartOptions& options, StartResult& result) {
  ContainerPaths paths = paths_of(record.id);
  // A network namespace of its own: made meanwhile, unless the caller began earlier.
  std::optional<PreparedNetworkNamespace> own_network;
  PreparedNetworkNamespace* network = nullptr;
  if (has_own_network_namespace(record.host)) network = options.network ? options.network : &own_network.emplace();
  BERTH_ASSIGN(std::vector<std::filesystem::path> layers, image_layers(record));

  // A fresh run dir: nothing of the previous run may be taken for this one's.
  BERTH_TRY(remove_path(paths.run_dir));
  BERTH_TRY(make_directories(paths.run_dir.parent_path().string(), 0711));
  if (::mkdir(paths.run_dir.c_str(), 0700) != 0) return fail_errno(errno, "create {}", paths.run_dir.string());
  if (::mkdir(paths.rootfs().c_str(), 0755) != 0) return fail_errno(errno, "create {}", paths.rootfs().string());

  std::string hostname = record.config.hostname.empty() ? record.id.substr(0, 12) : record.config.hostname;
  bool host_network = record.host.network_mode == "host";
  BERTH_TRY(write_container_files(paths, hostname, host_network));

  SpecInputs inputs;
  inputs.config = record.config;
  inputs.host = record.host;
  inputs.container_id = record.id;
  inputs.hostname = hostname;
  inputs.rootfs_path = paths.rootfs().string();
  inputs.hostname_path = paths.hostname().string();
  inputs.hosts_path = paths.hosts().string();
  inputs.resolv_conf_path = paths.resolv_conf().string();
  inputs.cgroups_path = "/berth/" + record.id;
  inputs.cgroup_v2 = host_is_cgroup_v2();
  inputs.host_nofile_hard = host_nofile_hard();
  inputs.read_rootfs_file = [&](std::string_view path) { return read_file_from_layers(layers, path); };
  BERTH_ASSIGN(PreparedVolumes volumes, prepare_volumes(record, layers));
  inputs.volume_paths = volumes.paths;
  if (record.host.init.value_or(false)) {
    BERTH_ASSIGN(inputs.init_binary, find_helper_binary("berth-init", "BERTH_INIT"));
  }
  BERTH_ASSIGN(ContainerSpec built, make_runtime_spec(inputs));
  for (oci::Mount& mount : built.spec.mounts) {
    if (!volumes.read_only.contains(mount.destination)) continue;
    std::erase(mount.options, "rw");
    if (std::find(mount.options.begin(), mount.options.end(), "ro") == mount.options.end())
      mount.options.push_back("ro");
  }
  oci::Spec& spec = built.spec;
  BERTH_ASSIGN(spec.linux.seccomp, choose_seccomp(record.host, spec));
  UniqueFd network_namespace;  // open until the launcher has joined it
  if (network) {
    BERTH_ASSIGN(network_namespace, network->take());
    for (oci::Namespace& ns : spec.linux.namespaces)
      if (ns.type == oci::NamespaceType::network && ns.path.empty())
        ns.path = fmt::format("/proc/self/fd/{}", network_namespace.get());  // the launcher's copy of the fd
  }
  BERTH_ASSIGN(std::filesystem::path mount_points,
               ensure_mount_point_layer(mount_point_layer_path(options_.root, record.image_id), layers));
  std::string lower = mount_points.string();
  for (const auto& layer : layers) lower += ":" + layer.string();
  spec.annotations[std::string(runtime::kOverlayRootfsAnnotation)] =
      // Pinned off: commit and cp read and write the upper dir as a plain
      // tree (whiteouts only), which a redirect, metacopy or index would break.
      fmt::format("lowerdir={},upperdir={},workdir={},index=off,redirect_dir=off,metacopy=off", lower,
                  paths.upper().string(), paths.work().string());
  std::string config_text = oci::write_spec(spec);
  BERTH_TRY(write_file_atomic(paths.config_json().string(), config_text, 0600, Durability::until_reboot));
  BERTH_TRY(release_runtime(record));  // the runtime state of an earlier run
  await_previous_shim(record);

  // The shim decides the next restart from this count: it includes this start.
  if (options.policy_restart) ++record.state.restart_count;
  BERTH_ASSIGN(std::string self, berth_binary());
  LaunchRequest request;
  request.id = record.id;
  request.bundle = paths.run_dir.string();
  request.runtime_root = paths.runtime_root.string();
  request.run_dir = paths.run_dir.string();
  BERTH_ASSIGN(request.shim_path, find_helper_binary("berth-shim", "BERTH_SHIM"));
  request.shim_config = shim_config_text(record, paths, options_, self, options);
  request.terminal = record.config.tty;
  request.open_stdin = record.config.open_stdin;
  request.config_text = &config_text;
  request.spec = &spec;
  request.spec_fd = network_namespace.valid() ? network_namespace.get() : -1;
  std::optional<LaunchClient> client;
  if (options.attach) {
    BERTH_ASSIGN(client, make_launch_client(*options.attach));
    request.attach_client_fd = client->shims.get();
  }
  BERTH_TRY(make_directories(paths.runtime_root.string(), 0700));
  // The start event bears a time before the process was let go (by the
  // launcher): the shim's die event, which it may append first, is later,
  // and readers sort by time.
  int64_t started_nano = unix_nano_now();
  BERTH_ASSIGN(LaunchedContainer launched, launch_container(request));
  if (client) client->shims.reset();

  // Started while the shim is still starting up: it serves the attach
  // client from its first moment and reads the output once it is up.
  auto started = await_started(launched);
  auto shim_ready = await_shim_ready(launched);
  BERTH_TRY(started);
  BERTH_TRY(shim_ready);
  if (client) {
    BERTH_TRY(await_attached(client->ours.get()));
    result.attach_socket = std::move(client->ours);
  }

  record.state.status = ContainerStatus::running;
  record.state.pid = launched.init_pid;
  record.state.exit_code = 0;
  record.state.error.clear();
  record.state.oom_killed = false;
  record.state.started_at = rfc3339_nano_now();
  record.state.finished_at = "0001-01-01T00:00:00Z";
  record.state.shim_pid = launched.shim_pid;
  record.state.shim_start_time = runtime::process_start_time(launched.shim_pid);
  record.state.has_been_started = true;
  record.state.stop_requested = false;
  record.state.restart_delay_ms = options.restart_delay_ms;
  BERTH_TRY(save_state(record));
  emit(record, "start", {}, started_nano);
  return {};
}

}  // namespace berth
