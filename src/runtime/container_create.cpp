#include "runtime/container_create.h"

#include <fcntl.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <climits>
#include <memory>

#include "base/fd_passing.h"
#include "base/file_io.h"
#include "runtime/cgroup.h"
#include "runtime/cgroup_devices.h"
#include "runtime/container_init.h"
#include "runtime/container_ops.h"
#include "runtime/foreground_wait.h"
#include "runtime/hooks.h"
#include "runtime/namespaces.h"
#include "runtime/process_clone.h"
#include "runtime/process_setup.h"
#include "runtime/seccomp.h"
#include "runtime/seccomp_cache.h"
#include "runtime/state_json.h"
#include "runtime/sync_channel.h"

namespace berth::runtime {

namespace {

constexpr std::string_view init_peer = "container init";

Result<std::string> absolute_path(const std::string& path) {
  char resolved[PATH_MAX];
  if (!::realpath(path.c_str(), resolved)) return fail_errno(errno, "resolve {}", path);
  return std::string(resolved);
}

// Undoes a half-made container unless dismissed: reaps the init it killed,
// then tears down what is left (processes, cgroup, state directory).
class CreateRollback {
 public:
  CreateRollback(const StateStore& store, const ContainerState& state) : store_(store), state_(state) {}
  ~CreateRollback() {
    if (dismissed_) return;
    if (state_.pid > 0) {
      ::kill(state_.pid, SIGKILL);
      while (::waitpid(state_.pid, nullptr, 0) < 0 && errno == EINTR) {
      }
    }
    (void)teardown_container(store_, state_, cgroup_, nullptr);
  }
  void set_cgroup(Cgroup* cgroup) { cgroup_ = cgroup; }
  void dismiss() { dismissed_ = true; }

 private:
  const StateStore& store_;
  const ContainerState& state_;  // its pid is set once the init exists
  Cgroup* cgroup_ = nullptr;
  bool dismissed_ = false;
};

// Containers of different --root directories may share an id: without a
// cgroupsPath of the spec's, each root gets its own parent cgroup.
std::string default_cgroups_path(const StateStore& store, const std::string& from_spec, const std::string& id) {
  if (!from_spec.empty()) return from_spec;
  if (store.root() == default_state_root) return "/berth/" + id;
  uint32_t hash = 2166136261u;  // FNV-1a of the root's path
  for (unsigned char c : store.root()) hash = (hash ^ c) * 16777619u;
  return fmt::format("/berth/{:08x}-{}", hash, id);
}

// The intermediate process of a joined user namespace: it enters that
// namespace, makes the new ones, forks the init and tells the runtime its
// pid. Returns only in the init.
void run_intermediate(InitContext& context) {
  auto entered = context.cgroup->join_self();
  if (entered) entered = enter_joined_user_namespace(*context.namespaces);
  if (!entered) {
    (void)send_step(context.sync_fd, SyncStep::failed, entered.error().message);
    ::_exit(1);
  }
  pid_t init = ::fork();
  if (init == 0) {
    context.cgroup = nullptr;  // inherited from us; its credentials could not write the host's files now
    return;
  }
  if (init < 0) {
    (void)send_step(context.sync_fd, SyncStep::failed, fail_errno(errno, "fork the container's init").error().message);
    ::_exit(1);
  }
  (void)send_step(context.sync_fd, SyncStep::init_pid, std::to_string(init));
  ::_exit(0);
}

// The outcome of the init's failure, with its own words when it sent some.
// WNOWAIT: the rollback still owns the (unreaped, so not reusable) pid.
Error init_failure(Error error, pid_t pid) {
  siginfo_t info{};
  if (::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0 && info.si_pid == pid &&
      (info.si_code == CLD_KILLED || info.si_code == CLD_DUMPED))
    error.message += fmt::format(" (killed by signal {})", info.si_status);
  return error;
}

}  // namespace

Status write_pid_file(const std::string& path, pid_t pid) {
  if (path.empty()) return {};
  return write_file_atomic(path, std::to_string(pid), 0644, Durability::until_reboot);
}

Result<CreatedContainer> create_container(const StateStore& store, const CreateOptions& options) {
  BERTH_ASSIGN(std::string bundle, absolute_path(options.bundle.empty() ? "." : options.bundle));
  Result<std::string> config_text = options.config_text ? Result<std::string>(*options.config_text)
                                                        : read_file(bundle + "/config.json");
  if (!config_text) return with_context(std::move(config_text), "load config");
  std::unique_ptr<oci::Spec> spec;
  if (options.parsed_spec) {
    spec = std::make_unique<oci::Spec>(*options.parsed_spec);
  } else {
    auto parsed = oci::parse_spec(*config_text);
    if (!parsed) return with_context(std::move(parsed), "config.json");
    spec = std::make_unique<oci::Spec>(std::move(*parsed));
  }
  if (!spec->process) return fail("config.json: process: is required to create a container");
  // Compiled here, once, so the init only installs it; a bad profile fails before any process exists.
  std::optional<SeccompProgram> seccomp;
  if (spec->linux.seccomp) {
    auto compiled = compile_seccomp_cached(*spec->linux.seccomp, store.root());
    if (!compiled) return with_context(std::move(compiled), "config.json");
    seccomp = std::move(*compiled);
  }
  std::string rootfs_path = spec->root.path[0] == '/' ? spec->root.path : bundle + "/" + spec->root.path;
  BERTH_ASSIGN(std::string rootfs, absolute_path(rootfs_path));
  BERTH_ASSIGN(NamespacePlan plan, plan_namespaces(spec->linux));

  BERTH_TRY(store.claim(options.id));
  // Declared before the rollback, which may still need them.
  std::unique_ptr<Cgroup> cgroup;
  ContainerState state;
  CreateRollback rollback(store, state);
  state.id = options.id;
  BERTH_TRY(write_file_atomic(store.config_path(options.id), *config_text, 0600, Durability::until_reboot));

  state.bundle = bundle;
  state.rootfs = rootfs;
  state.created = rfc3339_now();
  state.owner = "root";
  state.annotations = spec->annotations;
  state.new_user_namespace = plan.new_user_namespace;
  state.has_exit_hooks = !spec->hooks.poststart.empty() || !spec->hooks.poststop.empty();
  // A pid namespace joined by path is someone else's: the init is not its pid 1.
  const oci::Namespace* pid_namespace = spec->linux.find_namespace(oci::NamespaceType::pid);
  state.shares_pid_namespace = !pid_namespace || !pid_namespace->path.empty();

  std::string fifo = store.fifo_path(options.id);
  UniqueFd fifo_fd;
  if (!options.hold_start) {
    if (::mkfifo(fifo.c_str(), 0622) != 0) return fail_errno(errno, "mkfifo {}", fifo);
    // 0622 despite the umask: the init reopens the fifo after switching to process.user.
    if (::chmod(fifo.c_str(), 0622) != 0) return fail_errno(errno, "chmod {}", fifo);
    fifo_fd.reset(::open(fifo.c_str(), O_PATH | O_CLOEXEC));
    if (!fifo_fd) return fail_errno(errno, "open {}", fifo);
  }
  if (fifo_fd && plan.new_user_namespace && !spec->linux.uid_mappings.empty()) {
    // The init reopens the fifo as the mapped root: let that uid write it.
    uid_t root_uid = spec->linux.uid_mappings.front().host_id;
    gid_t root_gid = spec->linux.gid_mappings.empty() ? 0 : spec->linux.gid_mappings.front().host_id;
    if (::chown(fifo.c_str(), root_uid, root_gid) != 0) return fail_errno(errno, "chown {}", fifo);
  }

  UniqueFd console_socket, console_receiver;
  if (!options.console_socket.empty()) {
    auto connected = connect_unix(options.console_socket);
    if (!connected) return with_context(std::move(connected), "console socket");
    console_socket = std::move(*connected);
  } else if (options.own_terminal && spec->process->terminal) {
    BERTH_ASSIGN(ConsoleSocketPair pair, make_console_socket_pair());
    console_socket = std::move(pair.for_init);
    console_receiver = std::move(pair.ours);
  }

  // As runc: a cgroup that already holds processes belongs to someone else.
  // Not the dead ones: a killed container's init can stay listed as a
  // zombie until whoever inherited it reaps it.
  auto claim_cgroup = [&]() -> Status {
    BERTH_ASSIGN(auto occupants, cgroup->processes());
    std::erase_if(occupants, [](pid_t pid) { return process_start_time(pid) == 0; });  // 0: gone or a zombie
    if (!occupants.empty()) {
      rollback.set_cgroup(nullptr);
      return fail("container's cgroup is not empty: {} process(es) found", occupants.size());
    }
    return {};
  };
  {
    // As runc: the device nodes the spec creates are allowed in the device cgroup too.
    std::optional<oci::Resources> resources = spec->linux.resources;
    if (resources && !resources->devices.empty())
      for (auto& rule : device_rules_for_nodes(spec->linux.devices)) resources->devices.push_back(rule);
    // The v1 directories of a hybrid host are made after the clone, while
    // the init sets itself up (it joins them itself, just before it needs
    // them): when it needs nothing from us first (no user namespace, no
    // hooks; see init_awaits_go) and stays in the host's mount namespace.
    bool cgroup_after_clone = !init_awaits_go(plan, /*born_in_cgroup=*/true, *spec) && plan.to_join.empty();
    std::string cgroups_path = default_cgroups_path(store, spec->linux.cgroups_path, options.id);
    const oci::Resources* wanted = resources ? &*resources : nullptr;
    auto created = cgroup_after_clone ? Cgroup::begin_create(cgroups_path, options.id, wanted)
                                      : Cgroup::create(cgroups_path, options.id, wanted);
    if (!created) return with_context(std::move(created), "create cgroup");
    cgroup = std::move(*created);
    rollback.set_cgroup(cgroup.get());
    // Before the clone either way (a directory not made yet holds no one),
    // so that nothing below tears down a cgroup that is someone else's;
    // a pending one is checked again once all its directories exist.
    BERTH_TRY(claim_cgroup());
    state.cgroup = cgroup->to_state();
  }

  int sockets[2];
  if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sockets) != 0) return fail_errno(errno, "socketpair");
  UniqueFd runtime_end(sockets[0]), init_end(sockets[1]);

  // Joined for the clone only: hooks we run later stay in the runtime's
  // namespaces, as the spec wants.
  BERTH_ASSIGN(NamespacesForClone around_clone, NamespacesForClone::enter(plan.joined_around_clone));
  BERTH_ASSIGN(UniqueFd cgroup_fd, cgroup->open_for_clone());
  // With a joined user namespace an intermediate process makes the new
  // namespaces from inside it and forks the init, which then becomes our
  // child only as a subreaper's orphan.
  if (plan.joins_user_namespace && ::prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0)
    return fail_errno(errno, "become a child subreaper");
  auto cloned = clone_child(plan.joins_user_namespace ? 0 : plan.clone_flags, cgroup_fd.get());
  if (!cloned) return with_context(std::move(cloned), "create the container's init");
  pid_t pid = cloned->pid;
  bool born_in_cgroup = cloned->born_in_cgroup;
  bool init_awaits = init_awaits_go(plan, born_in_cgroup, *spec);
  bool cgroup_pending = cgroup->creation_pending();
  if (pid == 0) {
    runtime_end.reset();
    cgroup_fd.reset();
    plan.joined_around_clone.clear();
    around_clone.close_in_child();
    InitContext context;
    context.spec = spec.get();
    context.id = options.id;
    context.rootfs = rootfs;
    context.bundle = bundle;
    context.sync_fd = init_end.release();
    context.fifo_fd = fifo_fd.release();
    context.console_socket_fd = console_socket.release();
    context.namespaces = &plan;
    context.seccomp = seccomp ? &*seccomp : nullptr;
    context.cgroup = cgroup.get();
    context.cgroup_pending = cgroup_pending;
    context.no_pivot = options.no_pivot;
    context.no_new_keyring = options.no_new_keyring;
    context.preserve_fds = options.preserve_fds;
    context.awaits_go = init_awaits;
    context.state = state;
    if (plan.joins_user_namespace) run_intermediate(context);
    run_container_init(context);
  }
  state.pid = pid;
  state.pid_start_time = process_start_time(pid);
  if (plan.joins_user_namespace) {
    auto init_pid = expect_step(runtime_end.get(), SyncStep::init_pid, "intermediate process");
    if (!init_pid) return std::unexpected(init_failure(init_pid.error(), pid));
    while (::waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
    }
    pid = static_cast<pid_t>(std::strtol(init_pid->text.c_str(), nullptr, 10));
    state.pid = pid;
    state.pid_start_time = process_start_time(pid);
  }
  if (auto left = around_clone.leave(); !left) return std::unexpected(init_failure(left.error(), pid));
  init_end.reset();
  console_socket.reset();

  auto fail_with_init = [&](Error error) -> std::unexpected<Error> {
    return std::unexpected(init_failure(std::move(error), pid));
  };
  if (plan.new_user_namespace) {
    auto mapped = write_id_mappings(pid, spec->linux.uid_mappings, spec->linux.gid_mappings);
    if (!mapped) return fail_with_init(mapped.error());
  }
  if (cgroup_pending) {
    auto finished = cgroup->finish_create();
    if (!finished) return fail_with_init(std::move(finished.error()).context("create cgroup"));
    if (auto claimed = claim_cgroup(); !claimed) return fail_with_init(claimed.error());
  }
  // The init moves itself into the v1 hierarchies (Cgroup::join_self).
  if (!born_in_cgroup) {
    if (auto added = cgroup->add_process(pid); !added) return fail_with_init(added.error());
  }
  if (init_awaits) {
    if (spec->process->oom_score_adj) {
      auto adjusted = apply_oom_score_adj(pid, *spec->process->oom_score_adj);
      if (!adjusted) return fail_with_init(adjusted.error());
    }
    if (auto sent = send_step(runtime_end.get(), SyncStep::go, std::to_string(pid)); !sent)
      return fail_with_init(sent.error());
  }
  // Not checked: an init that failed and went meanwhile has its report
  // waiting below, which says more than a broken pipe.
  if (cgroup_pending) (void)send_step(runtime_end.get(), SyncStep::cgroup_ready);

  if (has_runtime_create_hooks(spec->hooks)) {
    auto hooks_wanted = expect_step(runtime_end.get(), SyncStep::run_hooks, init_peer);
    if (!hooks_wanted) return fail_with_init(hooks_wanted.error());
    std::string hook_state = hook_state_json(state, ContainerStatus::creating);
    auto hooks_ran = run_hooks(spec->hooks.prestart, "prestart", hook_state);
    if (hooks_ran) hooks_ran = run_hooks(spec->hooks.create_runtime, "createRuntime", hook_state);
    if (!hooks_ran) {
      (void)send_step(runtime_end.get(), SyncStep::failed, hooks_ran.error().message);
      return fail_with_init(hooks_ran.error());
    }
    if (auto sent = send_step(runtime_end.get(), SyncStep::hooks_done); !sent) return fail_with_init(sent.error());
  }

  auto message = receive_step(runtime_end.get(), init_peer);
  if (message && message->step == SyncStep::seccomp_fd) {
    const auto& seccomp = *spec->linux.seccomp;
    if (!seccomp.listener_path.empty()) {
      auto sent = send_seccomp_listener(seccomp.listener_path, message->fd.get(),
                                        hook_state_json(state, ContainerStatus::creating, &seccomp));
      if (!sent) return fail_with_init(sent.error());
    }
    message = receive_step(runtime_end.get(), init_peer);
  }
  if (!message) return fail_with_init(message.error());
  if (message->step == SyncStep::failed) return fail_with_init(Error{message->text, 0});
  if (message->step != SyncStep::ready) return fail_with_init(Error{"container init sent an unexpected step", 0});

  state.pid_start_time = process_start_time(pid);
  for (const auto& ns : spec->linux.namespaces)
    state.namespace_paths.push_back(fmt::format("/proc/{}/ns/{}", pid, oci::namespace_proc_name(ns.type)));
  UniqueFd pty_master;
  if (console_receiver) {
    BERTH_ASSIGN(pty_master, receive_pty_master(console_receiver.get()));
  }
  BERTH_TRY(store.save(state));
  BERTH_TRY(write_pid_file(options.pid_file, pid));
  rollback.dismiss();
  CreatedContainer created{std::move(state), std::move(spec), std::move(cgroup), UniqueFd(), UniqueFd()};
  if (options.hold_start) created.start_channel = std::move(runtime_end);
  created.pty_master = std::move(pty_master);
  return created;
}

Status start_created(CreatedContainer& container) {
  BERTH_TRY(release_created(container));
  return confirm_started(container);
}

Status release_created(CreatedContainer& container) {
  if (!container.start_channel) return fail("start: the container was not created to be held");
  return send_step(container.start_channel.get(), SyncStep::start);
}

Status confirm_started(CreatedContainer& container) {
  if (!container.start_channel) return fail("start: the container was not created to be held");
  // The init keeps its end (close-on-exec) through the startContainer hooks:
  // end of file means the process runs; a message means it failed.
  auto outcome = receive_with_fd(container.start_channel.get());
  container.start_channel.reset();
  if (!outcome) return with_context(std::move(outcome), "wait for the container process to start");
  if (!outcome->payload.empty() && outcome->payload[0] == static_cast<char>(SyncStep::failed))
    return fail("{}", outcome->payload.substr(1));
  run_hooks_or_warn(container.spec->hooks.poststart, "poststart",
                    hook_state_json(container.state, ContainerStatus::running));
  return {};
}

Status delete_exited(const StateStore& store, CreatedContainer& container) {
  return teardown_container(store, container.state, container.cgroup.get(), container.spec.get());
}

}  // namespace berth::runtime
