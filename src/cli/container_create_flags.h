// The flags of `berth run` and `berth create`, with docker's names, short
// forms, defaults, value grammars and error words, turned into Docker's
// container configuration (Config + HostConfig) plus what the command itself
// needs (name, pull policy, detach, ...).
//
// How a command uses it:
//
//   int command_run(Invocation& invocation) {
//     CreateFlags flags;
//     if (auto status = parse_create_command_line(invocation, flags, /*is_run=*/true)) return *status;
//     // flags.config (Image, Cmd, Env, ...), flags.host, flags.name, flags.pull, flags.detach ... are final.
//   }
//
// parse_create_command_line declares the flags, parses (the first argument
// that is not a flag is IMAGE; everything after it, flags included, is
// COMMAND [ARG...], as docker's SetInterspersed(false)), and converts. It
// prints docker's errors itself and returns the exit status to end with:
//   - usage errors, exit 125:  unknown flag: --bogus / See 'berth run --help'.
//   - a flag value that docker's flag parser rejects, exit 125:
//       invalid argument "1x" for "-m, --memory" flag: invalid suffix: 'x'
//       See 'berth run --help'.
//   - a configuration docker refuses, exit 125:
//       berth: conflicting options: cannot specify both --restart and --rm.
//       See 'berth run --help'.
//   - no IMAGE, exit 1: "berth run" requires at least 1 argument. (+ usage)
//
// The pieces are public for commands that need to step in between, and for tests:
// add_create_flags (declare), then Invocation::parse, then finish_create_flags.
//
// Known gap: Invocation hands "--flag=" (an empty value after '=') to CLI11,
// which then takes the next word as the value; `--entrypoint ""` works,
// `--entrypoint=""` does not yet (a fix belongs in Invocation::normalized_words).
//
// What stays for the command: pulling per `pull`, merging the image config
// (merge_image_config), creating the cidfile (docker refuses an existing one),
// checking that bind sources exist (--mount) and resolving volumes and
// networks by name; those need the engine.
#pragma once

#include <CLI/CLI.hpp>
#include <expected>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "cli/command_line.h"
#include "cli/key_value_file.h"
#include "engine/container_config.h"

namespace berth::cli {

enum class PullPolicy { always, missing, never };

struct CreateFlags {
  // ---- The result, complete after finish_create_flags ----
  ContainerConfig config;  // Image, Cmd, Entrypoint, Env, Labels, Tty, OpenStdin, Attach*, Healthcheck, ...
  HostConfig host;         // Binds, Mounts, resources, RestartPolicy, AutoRemove, LogConfig, NetworkMode, ...
  std::string name;        // --name; "" lets the engine pick one
  PullPolicy pull = PullPolicy::missing;
  std::string platform;  // --platform, validated; "" for the host's
  std::string cidfile;   // --cidfile, also host.container_id_file
  bool quiet = false;    // -q: no pull progress
  // Every --network in order; host.network_mode holds the first ("default" when none).
  std::vector<std::string> networks;
  // Endpoint settings for the first network (Docker's NetworkingConfig, which
  // container_config.h does not model yet).
  std::vector<std::string> network_aliases;
  std::string ipv4_address, ipv6_address, mac_address;
  bool interactive = false, tty = false;  // -i, -t (also in config)
  std::string image;                      // IMAGE (also config.image)
  std::vector<std::string> command;       // COMMAND [ARG...] (also config.cmd)
  // run only
  bool detach = false;      // -d; Attach* and StdinOnce are then cleared, as docker run does
  std::string detach_keys;  // --detach-keys, kept verbatim
  bool sig_proxy = true;    // --sig-proxy

  bool is_run = false;  // set by add_create_flags

  // ---- The words as typed: filled while parsing, read by finish_create_flags ----
  struct Raw {
    std::vector<std::string> attach, device_cgroup_rules, devices, env, env_files, labels, label_files, sysctls,
        ulimits, cap_add, cap_drop, security_opts, add_hosts, dns, dns_search, expose, links, publish, networks,
        log_opts, tmpfs, volumes, mounts, blkio_weight_devices, device_read_bps, device_write_bps, device_read_iops,
        device_write_iops;
    std::optional<std::string> entrypoint, stop_timeout, ip, ip6;
    std::string restart = "no", stop_signal, mac_address, log_driver, pull = "missing";
    std::string memory, memory_reservation, memory_swap, memory_swappiness = "-1", shm_size, cpus;
    std::string cpu_shares = "0", cpu_period = "0", cpu_quota = "0", cpu_rt_period = "0", cpu_rt_runtime = "0";
    std::string blkio_weight = "0", oom_score_adj = "0", pids_limit = "0";
    std::string health_cmd, health_interval = "0s", health_timeout = "0s", health_start_period = "0s",
                            health_start_interval = "0s", health_retries = "0";
    bool no_healthcheck = false, init = false, init_given = false, oom_kill_disable = false,
         oom_kill_disable_given = false, disable_content_trust = true;
  } raw;
};

// Declares every flag on `app` (docker's order and help texts). `--help`
// loses its "-h", which is --hostname here, as in docker. IMAGE and COMMAND
// are declared as hidden positionals, so Invocation::args() stays empty.
void add_create_flags(CLI::App& app, CreateFlags& flags, bool is_run);

// What finish_create_flags reads from the process, injectable for tests:
// the environment (a bare `-e KEY` or env-file KEY takes its value from it,
// and is dropped when unset), the working directory (a "./x" bind source is
// made absolute against it) and the CPU count (--cpus' upper bound).
struct CreateFlagsHost {
  EnvLookup lookup_env;
  std::string cwd;
  int cpu_count = 1;
  static CreateFlagsHost current();
};

// A problem in docker's two kinds: a flag value its flag parser rejects
// (message: `invalid argument "xyz" for "-m, --memory" flag: invalid size: 'xyz'`)
// or a configuration it refuses after parsing (message: "invalid restart policy format: …").
struct CreateFlagsError {
  enum class Kind { flag_value, config } kind;
  std::string message;
};

// Converts the parsed words into flags.config, flags.host and the rest, with
// docker's validation (the CLI's and, berth being daemonless, the daemon's).
std::expected<void, CreateFlagsError> convert_create_flags(CreateFlags& flags, const CreateFlagsHost& host);
// The same with the process' environment, the error as one line.
Result<void> finish_create_flags(CreateFlags& flags);
Result<void> finish_create_flags(CreateFlags& flags, const CreateFlagsHost& host);

// Prints `error` as docker does for run/create and returns 125.
int report_create_flags_error(Invocation& invocation, const CreateFlagsError& error);

// The whole command line of run (is_run) or create; see the top of this file.
std::optional<int> parse_create_command_line(Invocation& invocation, CreateFlags& flags, bool is_run);
std::optional<int> parse_create_command_line(Invocation& invocation, CreateFlags& flags, bool is_run,
                                             const CreateFlagsHost& host);

}  // namespace berth::cli
