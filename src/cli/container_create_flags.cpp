#include "cli/container_create_flags.h"

#include <fmt/format.h>
#include <sched.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include "cli/create_flag_steps.h"
#include "oci/image_spec.h"

namespace berth::cli {

namespace steps = create_flags_detail;
using Kind = CreateFlagsError::Kind;

void add_create_flags(CLI::App& app, CreateFlags& flags, bool is_run) {
  flags.is_run = is_run;
  CreateFlags::Raw& raw = flags.raw;
  HostConfig& host = flags.host;
  ContainerConfig& config = flags.config;
  app.set_help_flag("--help", "Print usage");  // -h is --hostname, as in docker
  // CLI11 checks a new option's names against every option of its App,
  // copying their name lists as it goes: a hundred flags in one App took
  // ~0.15 ms of every run. Option groups parse as the App's own flags and
  // each check covers its own group only: a new group every dozen flags.
  CLI::App* group = nullptr;
  int in_group = 0;
  auto flag_app = [&app, &group, &in_group]() -> CLI::App& {
    constexpr int kFlagsPerGroup = 12;
    if (group == nullptr || in_group == kFlagsPerGroup) {
      group = app.add_option_group("flags");
      in_group = 0;
    }
    ++in_group;
    return *group;
  };
  auto text = [&flag_app](const std::string& names, std::string& target, const std::string& description) {
    return flag_app()
        .add_option(names, target, description)
        ->type_name("string")
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  };
  auto typed = [&](const std::string& names, std::string& target, const std::string& description,
                   const std::string& type) { return text(names, target, description)->type_name(type); };
  auto optional = [&flag_app](const std::string& names, std::optional<std::string>& target,
                              const std::string& description, const std::string& type) {
    return flag_app()
        .add_option_function<std::string>(
            names, [&target](const std::string& value) { target = value; }, description)
        ->type_name(type)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  };
  auto list = [&flag_app](const std::string& names, std::vector<std::string>& target, const std::string& description,
                          const std::string& type = "list") {
    return flag_app().add_option(names, target, description)->type_name(type)->allow_extra_args(false);
  };

  if (is_run) {
    flag_app().add_flag("-d,--detach", flags.detach, "Run container in background and print container ID");
    text("--detach-keys", flags.detach_keys, "Override the key sequence for detaching a container");
    flag_app().add_flag("--sig-proxy", flags.sig_proxy, "Proxy received signals to the process (default true)");
  }
  text("--name", flags.name, "Assign a name to the container");
  text("--pull", raw.pull,
       fmt::format("Pull image before {} (\"always\", \"missing\", \"never\") (default \"missing\")",
                   is_run ? "running" : "creating"));
  flag_app().add_flag("-q,--quiet", flags.quiet, "Suppress the pull output");
  text("--platform", flags.platform, "Set platform if server is multi-platform capable");
  flag_app().add_flag("--disable-content-trust", raw.disable_content_trust, "Skip image verification (default true)");

  // General purpose.
  list("-a,--attach", raw.attach, "Attach to STDIN, STDOUT or STDERR");
  list("--device-cgroup-rule", raw.device_cgroup_rules, "Add a rule to the cgroup allowed devices list");
  list("--device", raw.devices, "Add a host device to the container");
  list("-e,--env", raw.env, "Set environment variables");
  list("--env-file", raw.env_files, "Read in a file of environment variables");
  optional("--entrypoint", raw.entrypoint, "Overwrite the default ENTRYPOINT of the image", "string");
  list("--group-add", host.group_add, "Add additional groups to join");
  text("-h,--hostname", config.hostname, "Container host name");
  text("--domainname", config.domainname, "Container NIS domain name");
  flag_app().add_flag("-i,--interactive", flags.interactive, "Keep STDIN open even if not attached");
  list("-l,--label", raw.labels, "Set meta data on a container");
  list("--label-file", raw.label_files, "Read in a line delimited file of labels");
  flag_app().add_flag("--read-only", host.readonly_rootfs, "Mount the container's root filesystem as read only");
  text("--restart", raw.restart, "Restart policy to apply when a container exits (default \"no\")");
  text("--stop-signal", raw.stop_signal, "Signal to stop the container");
  optional("--stop-timeout", raw.stop_timeout, "Timeout (in seconds) to stop a container", "int");
  list("--sysctl", raw.sysctls, "Sysctl options", "map");
  flag_app().add_flag("-t,--tty", flags.tty, "Allocate a pseudo-TTY");
  list("--ulimit", raw.ulimits, "Ulimit options", "ulimit");
  text("-u,--user", config.user, "Username or UID (format: <name|uid>[:<group|gid>])");
  text("-w,--workdir", config.working_dir, "Working directory inside the container");
  flag_app().add_flag("--rm", host.auto_remove,
                      "Automatically remove the container and its associated anonymous volumes when it exits");

  // Security.
  list("--cap-add", raw.cap_add, "Add Linux capabilities");
  list("--cap-drop", raw.cap_drop, "Drop Linux capabilities");
  flag_app().add_flag("--privileged", host.privileged, "Give extended privileges to this container");
  list("--security-opt", raw.security_opts, "Security Options");
  text("--userns", host.userns_mode, "User namespace to use");
  text("--cgroupns", host.cgroupns_mode,
       "Cgroup namespace to use (host|private)\n'host':    Run the container in the host's cgroup namespace\n"
       "'private': Run the container in its own private cgroup namespace\n"
       "'':        Use the default cgroup namespace mode");

  // Network and ports.
  list("--add-host", raw.add_hosts, "Add a custom host-to-IP mapping (host:ip)");
  list("--dns", raw.dns, "Set custom DNS servers");
  list("--dns-option,--dns-opt", host.dns_options, "Set DNS options");
  list("--dns-search", raw.dns_search, "Set custom DNS search domains");
  list("--expose", raw.expose, "Expose a port or a range of ports");
  optional("--ip", raw.ip, "IPv4 address (e.g., 172.30.100.104)", "ip");
  optional("--ip6", raw.ip6, "IPv6 address (e.g., 2001:db8::33)", "ip");
  list("--link", raw.links, "Add link to another container");
  text("--mac-address", raw.mac_address, "Container MAC address (e.g., 92:d0:c6:0a:29:33)");
  list("-p,--publish", raw.publish, "Publish a container's port(s) to the host");
  flag_app().add_flag("-P,--publish-all", host.publish_all_ports, "Publish all exposed ports to random ports");
  list("--network,--net", raw.networks, "Connect a container to a network", "network");
  list("--network-alias,--net-alias", flags.network_aliases, "Add network-scoped alias for the container");

  // Logging and storage.
  text("--log-driver", raw.log_driver, "Logging driver for the container");
  text("--volume-driver", host.volume_driver, "Optional volume driver for the container");
  list("--log-opt", raw.log_opts, "Log driver options");
  list("--tmpfs", raw.tmpfs, "Mount a tmpfs directory");
  list("--volumes-from", host.volumes_from, "Mount volumes from the specified container(s)");
  list("-v,--volume", raw.volumes, "Bind mount a volume");
  list("--mount", raw.mounts, "Attach a filesystem mount to the container", "mount");

  // Health checks.
  text("--health-cmd", raw.health_cmd, "Command to run to check health");
  typed("--health-interval", raw.health_interval, "Time between running the check (ms|s|m|h) (default 0s)", "duration");
  typed("--health-retries", raw.health_retries, "Consecutive failures needed to report unhealthy", "int");
  typed("--health-timeout", raw.health_timeout, "Maximum time to allow one check to run (ms|s|m|h) (default 0s)",
        "duration");
  typed("--health-start-period", raw.health_start_period,
        "Start period for the container to initialize before starting health-retries countdown (ms|s|m|h) (default "
        "0s)",
        "duration");
  typed("--health-start-interval", raw.health_start_interval,
        "Time between running the check during the start period (ms|s|m|h) (default 0s)", "duration");
  flag_app().add_flag("--no-healthcheck", raw.no_healthcheck, "Disable any container-specified HEALTHCHECK");

  // Resources.
  list("--blkio-weight-device", raw.blkio_weight_devices, "Block IO weight (relative device weight)", "list");
  list("--device-read-bps", raw.device_read_bps, "Limit read rate (bytes per second) from a device", "list");
  list("--device-read-iops", raw.device_read_iops, "Limit read rate (IO per second) from a device", "list");
  list("--device-write-bps", raw.device_write_bps, "Limit write rate (bytes per second) to a device", "list");
  list("--device-write-iops", raw.device_write_iops, "Limit write rate (IO per second) to a device", "list");
  typed("--blkio-weight", raw.blkio_weight,
        "Block IO (relative weight), between 10 and 1000, or 0 to disable (default 0)", "uint16");
  text("--cidfile", flags.cidfile, "Write the container ID to the file");
  text("--cpuset-cpus", host.cpuset_cpus, "CPUs in which to allow execution (0-3, 0,1)");
  text("--cpuset-mems", host.cpuset_mems, "MEMs in which to allow execution (0-3, 0,1)");
  typed("--cpu-period", raw.cpu_period, "Limit CPU CFS (Completely Fair Scheduler) period", "int");
  typed("--cpu-quota", raw.cpu_quota, "Limit CPU CFS (Completely Fair Scheduler) quota", "int");
  typed("--cpu-rt-period", raw.cpu_rt_period, "Limit CPU real-time period in microseconds", "int");
  typed("--cpu-rt-runtime", raw.cpu_rt_runtime, "Limit CPU real-time runtime in microseconds", "int");
  typed("-c,--cpu-shares", raw.cpu_shares, "CPU shares (relative weight)", "int");
  typed("--cpus", raw.cpus, "Number of CPUs", "decimal");
  typed("-m,--memory", raw.memory, "Memory limit", "bytes");
  typed("--memory-reservation", raw.memory_reservation, "Memory soft limit", "bytes");
  typed("--memory-swap", raw.memory_swap, "Swap limit equal to memory plus swap: '-1' to enable unlimited swap",
        "bytes");
  typed("--memory-swappiness", raw.memory_swappiness, "Tune container memory swappiness (0 to 100) (default -1)",
        "int");
  flag_app()
      .add_flag("--oom-kill-disable", raw.oom_kill_disable, "Disable OOM Killer")
      ->each([&raw](const std::string&) { raw.oom_kill_disable_given = true; });
  typed("--oom-score-adj", raw.oom_score_adj, "Tune host's OOM preferences (-1000 to 1000)", "int");
  typed("--pids-limit", raw.pids_limit, "Tune container pids limit (set -1 for unlimited)", "int");

  // Low-level execution.
  text("--cgroup-parent", host.cgroup_parent, "Optional parent cgroup for the container");
  text("--ipc", host.ipc_mode, "IPC mode to use");
  text("--isolation", host.isolation, "Container isolation technology");
  text("--pid", host.pid_mode, "PID namespace to use");
  typed("--shm-size", raw.shm_size, "Size of /dev/shm", "bytes");
  text("--uts", host.uts_mode, "UTS namespace to use");
  text("--runtime", host.runtime, "Runtime to use for this container");
  flag_app()
      .add_flag("--init", raw.init, "Run an init inside the container that forwards signals and reaps processes")
      ->each([&raw](const std::string&) { raw.init_given = true; });

  // IMAGE [COMMAND] [ARG...]: in an option group, so that the options table
  // does not list them. The first positional ends the flags: what follows
  // belongs to the command, "-l" and "--" included.
  CLI::Option_group* arguments = app.add_option_group("arguments");
  arguments->add_option("IMAGE", flags.image);
  arguments->add_option("COMMAND", flags.command)->allow_extra_args(true);
  app.positionals_at_end(true);
}

CreateFlagsHost CreateFlagsHost::current() {
  CreateFlagsHost host;
  host.lookup_env = [](const std::string& key) -> std::optional<std::string> {
    const char* value = std::getenv(key.c_str());
    return value ? std::optional<std::string>(value) : std::nullopt;
  };
  std::error_code error;
  host.cwd = std::filesystem::current_path(error).string();
  cpu_set_t cpus;
  CPU_ZERO(&cpus);
  host.cpu_count = sched_getaffinity(0, sizeof cpus, &cpus) == 0 ? CPU_COUNT(&cpus)
                                                                 : static_cast<int>(sysconf(_SC_NPROCESSORS_ONLN));
  if (host.cpu_count < 1) host.cpu_count = 1;
  return host;
}

std::expected<void, CreateFlagsError> convert_create_flags(CreateFlags& flags, const CreateFlagsHost& host) {
  // Flag values first, as docker's flag parser rejects them before anything
  // else runs; then the pull policy (checked first by docker run/create);
  // then docker's parse() of the options, with the daemon's checks.
  CREATE_TRY(steps::check_listed_values(flags));
  auto typed = steps::check_typed_values(flags);
  if (!typed) return std::unexpected(typed.error());

  const std::string& pull = flags.raw.pull;
  if (pull == "always")
    flags.pull = PullPolicy::always;
  else if (pull == "missing" || pull.empty())
    flags.pull = PullPolicy::missing;
  else if (pull == "never")
    flags.pull = PullPolicy::never;
  else
    return steps::config_error(
        fmt::format("invalid pull option: '{}': must be one of \"always\", \"missing\" or \"never\"", pull));
  if (!flags.platform.empty())
    if (auto platform = parse_platform(flags.platform); !platform) return steps::config_error(platform);

  CREATE_TRY(steps::convert_storage(flags, host));
  CREATE_TRY(steps::convert_network(flags));
  CREATE_TRY(steps::convert_environment(flags, host));
  CREATE_TRY(steps::convert_modes(flags));
  CREATE_TRY(steps::convert_restart(flags));
  CREATE_TRY(steps::convert_logging(flags));
  CREATE_TRY(steps::convert_security(flags));
  CREATE_TRY(steps::convert_health(flags, *typed));
  CREATE_TRY(steps::convert_resources(flags, *typed, host));
  if (flags.host.auto_remove && !(flags.host.restart_policy.name.empty() || flags.host.restart_policy.name == "no"))
    return steps::config_error("conflicting options: cannot specify both --restart and --rm");
  if (flags.raw.init_given) flags.host.init = flags.raw.init;
  CREATE_TRY(steps::convert_identity(flags));
  CREATE_TRY(steps::convert_attach(flags));
  if (typed->stop_timeout) flags.config.stop_timeout = static_cast<int>(*typed->stop_timeout);
  flags.host.container_id_file = flags.cidfile;
  CREATE_TRY(steps::check_network_conflicts(flags));
  return {};
}

Result<void> finish_create_flags(CreateFlags& flags, const CreateFlagsHost& host) {
  auto converted = convert_create_flags(flags, host);
  if (!converted) return fail("{}", converted.error().message);
  return {};
}

Result<void> finish_create_flags(CreateFlags& flags) { return finish_create_flags(flags, CreateFlagsHost::current()); }

int report_create_flags_error(Invocation& invocation, const CreateFlagsError& error) {
  // A value or file name may carry control characters; the error stays one line.
  std::string one_line;
  for (char c : error.message) {
    if (c == '\n')
      one_line += "\\n";
    else if (c == '\t' || (static_cast<unsigned char>(c) >= 0x20 && c != 0x7f))
      one_line += c;
    else
      one_line += fmt::format("\\x{:02x}", static_cast<unsigned char>(c));
  }
  if (error.kind == Kind::flag_value) {
    invocation.env.err(fmt::format("{}\nSee '{} --help'.\n", one_line, invocation.command_path()));
  } else {
    // docker's reportError: one sentence ending in a full stop.
    std::string_view message = one_line;
    if (message.ends_with('.')) message.remove_suffix(1);
    invocation.env.err(fmt::format("berth: {}.\nSee '{} --help'.\n", message, invocation.command_path()));
  }
  return usage_error_status;
}

std::optional<int> parse_create_command_line(Invocation& invocation, CreateFlags& flags, bool is_run,
                                             const CreateFlagsHost& host) {
  add_create_flags(invocation.flags(), flags, is_run);
  // IMAGE and COMMAND are taken by the declarations above, so no argument is left over.
  if (auto status = invocation.parse(at_least(0))) return status;
  if (flags.image.empty()) return invocation.report_argument_count(at_least(1));
  if (auto converted = convert_create_flags(flags, host); !converted)
    return report_create_flags_error(invocation, converted.error());
  return std::nullopt;
}

std::optional<int> parse_create_command_line(Invocation& invocation, CreateFlags& flags, bool is_run) {
  return parse_create_command_line(invocation, flags, is_run, CreateFlagsHost::current());
}

}  // namespace berth::cli
