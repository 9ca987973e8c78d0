#include "cli/runtime/runtime_cli.h"

#include <fcntl.h>
#include <seccomp.h>
#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <CLI/CLI.hpp>

#include "base/version.h"
#include "cli/runtime/verbs.h"
#include "runtime/state_json.h"

namespace berth::cli {

namespace {

constexpr const char* version_text = kBerthVersion;

void add_create_flags(CLI::App* command, CreateFlags& flags) {
  command->add_option("-b,--bundle", flags.bundle, "path to the bundle directory (default: current directory)");
  command->add_option("--console-socket", flags.console_socket, "unix socket that receives the pty master");
  command->add_option("--pid-file", flags.pid_file, "file to write the container's init pid to");
  command->add_option("--preserve-fds", flags.preserve_fds, "pass N additional fds (3 .. 2+N) to the container")
      ->check(CLI::NonNegativeNumber);
  command->add_flag("--no-pivot", flags.no_pivot, "chroot instead of pivot_root (for ramdisk roots)");
  command->add_flag("--no-new-keyring", flags.no_new_keyring, "keep the caller's session keyring");
  command->add_option("id", flags.id, "container id")->required();
}

std::string version_string() {
  const scmp_version* seccomp = seccomp_version();
  return fmt::format("berth-runtime version {}\nspec: {}\nlibseccomp: {}.{}.{}", version_text, runtime::oci_version,
                     seccomp->major, seccomp->minor, seccomp->micro);
}

}  // namespace

namespace {

// Every process this runtime forks may end up inside a container while it
// is still the host's binary: none is dumpable (CVE-2019-5736). A caller may
// also have left SIGCHLD ignored, which would make children vanish unreaped.
void harden_process() {
  ::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
  ::signal(SIGCHLD, SIG_DFL);
  // With stdio closed, our own fds would land on 0-2 and be passed on.
  for (int fd = 0; fd <= 2; ++fd)
    if (::fcntl(fd, F_GETFD) < 0) {
      int null = ::open("/dev/null", O_RDWR);
      if (null >= 0 && null != fd) {
        ::dup2(null, fd);
        ::close(null);
      }
    }
}

// --preserve-fds N passes 3 .. 2+N on: they must be the caller's, or one of
// the runtime's own (a socket, a host directory) would reach the container.
Status check_preserved_fds(int count) {
  for (int fd = 3; fd < 3 + count; ++fd)
    if (::fcntl(fd, F_GETFD) < 0) return fail("--preserve-fds {}: fd {} is not open", count, fd);
  return {};
}

}  // namespace

int runtime_main(int argc, char** argv) {
  harden_process();
  CLI::App app{"berth-runtime: an OCI runtime with runc's command line", "berth-runtime"};
  app.require_subcommand(1);
  app.set_version_flag("-v,--version", version_string());
  Globals globals;
  std::string rootless, criu;
  bool systemd_cgroup = false;
  app.add_option("--root", globals.root, "root directory for container state (default: /run/berth-runtime)");
  app.add_option("--log", globals.log_path, "log file for errors and debug output");
  app.add_option("--log-format", globals.log_format, "log format: text or json")
      ->check(CLI::IsMember({"text", "json"}));
  app.add_flag("--debug", globals.debug, "log debug output");
  app.add_flag("--systemd-cgroup", systemd_cgroup, "manage cgroups with systemd (not supported)");
  app.add_option("--rootless", rootless, "accepted for runc compatibility");
  app.add_option("--criu", criu, "accepted for runc compatibility");

  CreateFlags create_flags;
  auto* create = app.add_subcommand("create", "create a container");
  add_create_flags(create, create_flags);

  CreateFlags run_flags;
  auto* run = app.add_subcommand("run", "create and start a container, then wait for it");
  add_create_flags(run, run_flags);
  run->add_flag("-d,--detach", run_flags.detach, "detach from the container's process");
  run->add_flag("--keep", run_flags.keep, "do not delete the container after it exits");

  std::string id;
  auto* start = app.add_subcommand("start", "start a created container");
  start->add_option("id", id)->required();

  std::string signal = "SIGTERM";
  bool all = false;
  auto* kill = app.add_subcommand("kill", "send a signal to a container's init (default SIGTERM)");
  kill->add_flag("-a,--all", all, "send the signal to every process of the container");
  kill->add_option("id", id)->required();
  kill->add_option("signal", signal);

  bool force = false;
  auto* remove = app.add_subcommand("delete", "delete a container");
  remove->add_flag("-f,--force", force, "kill the container first if it is running");
  remove->add_option("id", id)->required();

  auto* state = app.add_subcommand("state", "print a container's state as JSON");
  state->add_option("id", id)->required();

  std::string format = "table";
  bool quiet = false;
  auto* list = app.add_subcommand("list", "list containers");
  list->alias("ls");
  list->add_option("-f,--format", format, "table or json")->check(CLI::IsMember({"table", "json"}));
  list->add_flag("-q,--quiet", quiet, "print ids only");

  std::vector<std::string> ps_words;
  auto* ps = app.add_subcommand("ps", "list a container's processes");
  ps->add_option("-f,--format", format, "table or json")->check(CLI::IsMember({"table", "json"}));
  ps->prefix_command();

  auto* pause = app.add_subcommand("pause", "freeze every process of a container");
  pause->add_option("id", id)->required();
  auto* resume = app.add_subcommand("resume", "thaw a paused container");
  resume->add_option("id", id)->required();

  UpdateFlags update_flags;
  auto* update = app.add_subcommand("update", "change a running container's resource limits");
  update->add_option("-r,--resources", update_flags.resources_file, "resources JSON file, or - for stdin");
  update->add_option("--memory", update_flags.memory);
  update->add_option("--memory-reservation", update_flags.memory_reservation);
  update->add_option("--memory-swap", update_flags.memory_swap);
  update->add_option("--kernel-memory", update_flags.kernel_memory);
  update->add_option("--kernel-memory-tcp", update_flags.kernel_memory_tcp);
  update->add_option("--cpu-period", update_flags.cpu_period);
  update->add_option("--cpu-quota", update_flags.cpu_quota);
  update->add_option("--cpu-share", update_flags.cpu_share);
  update->add_option("--cpu-rt-period", update_flags.cpu_rt_period);
  update->add_option("--cpu-rt-runtime", update_flags.cpu_rt_runtime);
  update->add_option("--cpuset-cpus", update_flags.cpuset_cpus);
  update->add_option("--cpuset-mems", update_flags.cpuset_mems);
  update->add_option("--pids-limit", update_flags.pids_limit);
  update->add_option("--blkio-weight", update_flags.blkio_weight);
  update->add_option("id", update_flags.id)->required();

  bool stats = false;
  std::string interval = "5s";
  auto* events = app.add_subcommand("events", "print container statistics");
  events->add_flag("--stats", stats, "print one set of statistics and exit");
  events->add_option("--interval", interval, "interval between statistics (e.g. 5s)");
  events->add_option("id", id)->required();

  ExecFlags exec_flags;
  auto* exec = app.add_subcommand("exec", "run a new process in a running container");
  exec->add_option("--console-socket", exec_flags.console_socket);
  exec->add_option("--cwd", exec_flags.cwd);
  exec->add_option("-e,--env", exec_flags.env)->allow_extra_args(false);
  exec->add_flag("-t,--tty", exec_flags.tty);
  exec->add_option("-u,--user", exec_flags.user, "UID[:GID]");
  exec->add_option("-g,--additional-gids", exec_flags.additional_gids)->allow_extra_args(false);
  exec->add_option("-p,--process", exec_flags.process_file, "process.json to run");
  exec->add_flag("-d,--detach", exec_flags.detach);
  exec->add_option("--pid-file", exec_flags.pid_file);
  exec->add_flag("--no-new-privs", exec_flags.no_new_privs);
  exec->add_option("-c,--cap", exec_flags.capabilities)->allow_extra_args(false);
  exec->add_option("--preserve-fds", exec_flags.preserve_fds)->check(CLI::NonNegativeNumber);
  std::string ignored;
  exec->add_option("--process-label,--apparmor,--cgroup", ignored);
  exec->prefix_command();

  std::string bundle = ".";
  bool spec_rootless = false;
  auto* spec = app.add_subcommand("spec", "write a default config.json");
  spec->add_option("-b,--bundle", bundle);
  spec->add_flag("--rootless", spec_rootless);

  auto* features = app.add_subcommand("features", "print the features this runtime supports (JSON)");

  for (const char* unsupported : {"checkpoint", "restore"})
    app.add_subcommand(unsupported, "not supported")->allow_extras();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    // runc exits 1 on a usage error; --help and --version are successes.
    return app.exit(error) == 0 ? 0 : 1;
  }
  if (globals.debug) {
    std::string command;
    for (int i = 0; i < argc; ++i) command += (i ? " " : "") + std::string(argv[i]);
    globals.log_debug(fmt::format("pid {}: {}", ::getpid(), command));
  }
  if (systemd_cgroup)
    return globals.report(Error{"--systemd-cgroup: systemd cgroup management is not supported; use cgroupfs paths"});

  int preserved = *create ? create_flags.preserve_fds
                  : *run  ? run_flags.preserve_fds
                  : *exec ? exec_flags.preserve_fds
                          : 0;
  if (auto checked = check_preserved_fds(preserved); !checked) return globals.report(checked.error());

  if (*create) return verb_create(globals, create_flags);
  if (*run) return verb_run(globals, run_flags);
  if (*start) return verb_start(globals, id);
  if (*kill) return verb_kill(globals, id, signal, all);
  if (*remove) return verb_delete(globals, id, force);
  if (*state) return verb_state(globals, id);
  if (*list) return verb_list(globals, format, quiet);
  if (*ps) return verb_ps(globals, format, ps->remaining());
  if (*pause) return verb_pause(globals, id);
  if (*resume) return verb_resume(globals, id);
  if (*update) return verb_update(globals, update_flags);
  if (*events) return verb_events(globals, id, stats, interval);
  if (*exec) {
    exec_flags.words = exec->remaining();
    return verb_exec(globals, exec_flags);
  }
  if (*spec) return verb_spec(globals, bundle, spec_rootless);
  if (*features) return verb_features(globals);
  return globals.report(Error{fmt::format("{}: not supported", app.get_subcommands().front()->get_name())});
}

}  // namespace berth::cli
