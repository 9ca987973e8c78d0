// ContainerService: folding the shim's report into the record, stopping,
// killing, waiting and removing.
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "base/file_io.h"
#include "engine/container_files.h"
#include "engine/container_service.h"
#include "runtime/cgroup.h"
#include "runtime/container_ops.h"
#include "shim/shim_config.h"

namespace berth {

namespace {

bool process_alive(pid_t pid, uint64_t start_time) {
  if (pid <= 0) return false;
  if (::kill(pid, 0) != 0 && errno == ESRCH) return false;
  return start_time == 0 || runtime::process_start_time(pid) == start_time;
}

bool path_exists(const std::filesystem::path& path) {
  std::error_code error;
  return std::filesystem::exists(path, error);
}

// Waits until `pid` is gone or the timeout passes; true when gone.
bool wait_pid_gone(pid_t pid, int timeout_ms) {
  int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
  if (pidfd < 0) return errno == ESRCH;
  pollfd ready{pidfd, POLLIN, 0};
  int got;
  do {
    got = ::poll(&ready, 1, timeout_ms);
  } while (got < 0 && errno == EINTR);
  ::close(pidfd);
  return got > 0;
}

}  // namespace

Status ContainerService::release_runtime(const ContainerRecord& record, std::vector<std::string>* leave_cgroup_dirs) {
  ContainerPaths paths = paths_of(record.id);
  runtime::StateStore store(paths.runtime_root.string());
  if (!path_exists(store.dir(record.id))) return {};
  auto deleted = runtime::delete_container(store, record.id, /*force=*/true, leave_cgroup_dirs);
  if (!deleted && path_exists(store.dir(record.id))) return with_context(std::move(deleted), "release the container");
  return {};
}

// The shim of a launch: the parent of the container's init, once that
// parent has entered the run dir (the shim's first act). 0 when the init's
// parent is someone else (the shim died and the init was reparented).
static pid_t shim_of_init(pid_t init, const std::filesystem::path& run_dir) {
  for (int tries = 0; tries < 20; ++tries) {  // the launcher may be a moment from exec'ing the shim
    auto status = read_file(fmt::format("/proc/{}/status", init));
    if (!status) return 0;
    auto at = status->find("\nPPid:");
    if (at == std::string::npos) return 0;
    pid_t parent = static_cast<pid_t>(std::strtol(status->c_str() + at + 6, nullptr, 10));
    if (parent <= 1) return 0;
    std::error_code error;  // by inode: the run dir's path may pass through a symlink (/var/run)
    if (std::filesystem::equivalent(fmt::format("/proc/{}/cwd", parent), run_dir, error)) return parent;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return 0;
}

Status ContainerService::settle_abandoned_launch(ContainerRecord& record) {
  ContainerPaths paths = paths_of(record.id);
  if (!abandoned_launch_possible(record)) return {};
  runtime::StateStore store(paths.runtime_root.string());
  auto container = runtime::load_container(store, record.id);
  if (!container) return {};  // no runtime state: that run ended and was folded
  pid_t shim = shim_of_init(container->state.pid, paths.run_dir);
  if (container->status == runtime::ContainerStatus::created) {
    // Never started: retire it. The shim goes first, so that when its init
    // goes it neither restarts the container nor removes it (--rm).
    if (shim > 0) {
      ::kill(shim, SIGKILL);
      wait_pid_gone(shim, 5000);
    }
    BERTH_TRY(release_runtime(record));
    return remove_path(paths.run_dir);
  }
  ContainerState& state = record.state;
  if (container->status == runtime::ContainerStatus::stopped) {
    // Ended already. Its shim reports the exit (exit.json) once the output
    // is drained; until then the record waits. With the report there, the
    // fold below reads it as any run's end.
    if (!path_exists(paths.exit_json())) return {};
    state.status = ContainerStatus::running;
    state.pid = container->state.pid;
    state.has_been_started = true;
    state.shim_pid = 0;
    state.shim_start_time = 0;
    return {};
  }
  // Started and running: the container is this record's now.
  state.status = container->status == runtime::ContainerStatus::paused ? ContainerStatus::paused
                                                                        : ContainerStatus::running;
  state.pid = container->state.pid;
  state.exit_code = 0;
  state.error.clear();
  state.oom_killed = false;
  state.started_at = container->state.created;
  state.finished_at = "0001-01-01T00:00:00Z";
  state.shim_pid = shim;  // 0 when it is gone: the fold below marks the container exited
  state.shim_start_time = shim > 0 ? runtime::process_start_time(shim) : 0;
  state.has_been_started = true;
  state.stop_requested = false;
  BERTH_TRY(save_state(record));
  emit(record, "start");
  return {};
}

bool ContainerService::abandoned_launch_possible(const ContainerRecord& record) const {
  if (record.state.running()) return false;
  ContainerPaths paths = paths_of(record.id);
  // Runtime state is released whenever a run's end is folded (or a start
  // fails): beside a shim's config, it is a launch no record has taken in.
  return path_exists(paths.runtime_root / record.id) && path_exists(paths.shim_conf());
}

// State.Health from the probes' file; "starting" until the first probe ends.
static void fold_health(const ContainerConfig& config, const ContainerPaths& paths, ContainerState& state) {
  if (!has_healthcheck(config)) return;
  if (auto text = read_file(paths.health_json().string())) {
    auto document = nlohmann::json::parse(*text, nullptr, /*allow_exceptions=*/false);
    if (document.is_object()) {
      state.health = std::move(document);
      return;
    }
  }
  if (state.running())
    state.health = {{"Status", "starting"}, {"FailingStreak", 0}, {"Log", nlohmann::json::array()}};
}

Status ContainerService::refresh(ContainerRecord& record, Persist persist,
                                 std::vector<std::string>* leave_cgroup_dirs) {
  BERTH_TRY(settle_abandoned_launch(record));
  ContainerState& state = record.state;
  if (!state.active()) return {};
  ContainerPaths paths = paths_of(record.id);
  fold_health(record.config, paths, state);
  if (auto report = read_file(paths.exit_json().string())) {
    auto document = nlohmann::json::parse(*report, nullptr, /*allow_exceptions=*/false);
    // Torn by a crash (the shim does not fsync it) or written by someone
    // else: the container has ended, with a status nobody knows.
    if (!document.is_object())
      document = {{"exit_code", 255}, {"error", "the shim's exit record is unreadable (host crashed?)"}};
    bool restarting = false;
    try {
      restarting = document.value("restarting", false) && !state.stop_requested;
      // Under the lock, the policy's restart is on its way while the shim
      // that spawns it or the `berth start` it spawned lives; with both gone
      // (killed) it never comes.
      // A shim not known (0: a settled launch) is presumed to be on its way.
      pid_t restarter = document.value("restarter_pid", 0);
      uint64_t restarter_start = document.value("restarter_start_time", uint64_t{0});
      bool restarter_alive = restarter > 0 && restarter_start > 0 && process_alive(restarter, restarter_start);
      bool shim_alive = state.shim_pid == 0 || process_alive(state.shim_pid, state.shim_start_time);
      if (restarting && !shim_alive && !restarter_alive) {
        restarting = false;
        document["error"] =
            restarter > 0
                ? fmt::format("the restart policy's berth start (pid {}) ended before the container started", restarter)
                : fmt::format("berth-shim (pid {}) died before the restart policy restarted the container",
                              state.shim_pid);
      }
      state.exit_code = document.value("exit_code", 255);
      state.finished_at = document.value("exited_at", rfc3339_nano_now());
      state.oom_killed = document.value("oom_killed", false);
      state.error = document.value("error", "");
    } catch (const nlohmann::json::exception&) {  // a field of the wrong type
      state.exit_code = 255;
      state.finished_at = rfc3339_nano_now();
      state.error = "the shim's exit record is unreadable (host crashed?)";
    }
    state.status = restarting ? ContainerStatus::restarting : ContainerStatus::exited;
    state.pid = 0;
  } else if (state.status == ContainerStatus::restarting) {
    if (abandoned_launch_possible(record)) return {};  // a launch whose shim will report
    // The report is gone with the run dir: the policy's `berth start` wiped
    // it, and (as we hold the lock and the record is not running) died
    // before it recorded the new run.
    state.status = ContainerStatus::exited;
    state.error = "the restart policy's berth start ended before the container started";
    state.pid = 0;
  } else if (!path_exists(paths.run_dir)) {
    // The run dir lives on a tmpfs: the host rebooted (or someone wiped it).
    state.status = ContainerStatus::exited;
    state.exit_code = 255;
    state.error = "the container's run directory is gone (host restarted?)";
    state.finished_at = rfc3339_nano_now();
    state.pid = 0;
  } else if (!process_alive(state.shim_pid, state.shim_start_time)) {
    // The shim may have written its report just before it went.
    if (path_exists(paths.exit_json())) return refresh(record, persist, leave_cgroup_dirs);
    (void)runtime::kill_container(runtime::StateStore(paths.runtime_root.string()), record.id, SIGKILL, true);
    state.status = ContainerStatus::exited;
    state.exit_code = 255;
    state.error = fmt::format("berth-shim (pid {}) died; the container was killed", state.shim_pid);
    state.finished_at = rfc3339_nano_now();
    state.pid = 0;
  } else {
    return {};  // running
  }
  BERTH_TRY(release_runtime(record, leave_cgroup_dirs));
  if (persist == Persist::no) return {};
  return save_state(record);
}

Status ContainerService::send_signal(ContainerRecord& record, int signal) {
  ContainerPaths paths = paths_of(record.id);
  runtime::StateStore store(paths.runtime_root.string());
  auto sent = runtime::kill_container(store, record.id, signal, /*all=*/signal == SIGKILL);
  if (!sent && process_alive(record.state.pid, 0)) return with_context(std::move(sent), "signal the container");
  emit(record, "kill", {{"signal", std::to_string(signal)}});
  // A frozen process cannot die: thaw it, as dockerd does.
  if (signal == SIGKILL && record.state.status == ContainerStatus::paused) {
    (void)runtime::resume_container(store, record.id);
    record.state.status = ContainerStatus::running;
  }
  return {};
}

Result<bool> ContainerService::wait_for_exit(ContainerRecord& record, int timeout_ms) {
  if (!wait_pid_gone(record.state.pid, timeout_ms)) return false;
  // The shim reports once the output is drained (at most about 2 s).
  ContainerPaths paths = paths_of(record.id);
  for (int waited = 0; waited < 5000 && !path_exists(paths.exit_json()); waited += 5) {
    if (!process_alive(record.state.shim_pid, record.state.shim_start_time)) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

static Status mark_stop_requested(ContainerService& service, ContainerRecord& record) {
  record.state.stop_requested = true;
  return write_file_atomic(service.paths_of(record.id).stop_requested().string(), "", 0600, Durability::until_reboot);
}

Status ContainerService::stop(std::string_view name, std::optional<int> timeout_seconds) {
  BERTH_ASSIGN(ContainerRecord found, lookup(name));
  BERTH_ASSIGN(auto held, lock(found.id));
  BERTH_ASSIGN(ContainerRecord record, lookup(found.id));
  BERTH_TRY(refresh(record));
  if (!record.state.running()) return {};
  BERTH_TRY(mark_stop_requested(*this, record));
  BERTH_TRY(save_state(record));
  int timeout = timeout_seconds.value_or(record.config.stop_timeout.value_or(10));
  std::string signal_name = record.config.stop_signal.empty() ? "SIGTERM" : record.config.stop_signal;
  BERTH_ASSIGN(int signal, runtime::parse_signal(signal_name));
  if (record.state.status == ContainerStatus::paused)
    (void)runtime::resume_container(runtime::StateStore(paths_of(record.id).runtime_root.string()), record.id);
  bool gone = false;
  if (timeout != 0) {
    BERTH_TRY(send_signal(record, signal));
    if (timeout < 0) timeout = 24 * 3600;  // -1: wait as long as it takes
    BERTH_ASSIGN(gone, wait_for_exit(record, timeout * 1000));
  }
  if (!gone) {
    BERTH_TRY(send_signal(record, SIGKILL));
    BERTH_ASSIGN(gone, wait_for_exit(record, 10'000));
    if (!gone) return fail("container {} did not stop after SIGKILL", record.id.substr(0, 12));
  }
  BERTH_TRY(refresh(record));
  emit(record, "stop");
  return {};
}

Status ContainerService::kill(std::string_view name, int signal) {
  BERTH_ASSIGN(ContainerRecord found, lookup(name));
  BERTH_ASSIGN(auto held, lock(found.id));
  BERTH_ASSIGN(ContainerRecord record, lookup(found.id));
  BERTH_TRY(refresh(record));
  if (!record.state.running()) return fail("cannot kill container: {}: container {} is not running", name, record.id);
  BERTH_TRY(mark_stop_requested(*this, record));
  BERTH_TRY(save_state(record));
  BERTH_TRY(send_signal(record, signal));
  if (signal == SIGKILL) {
    BERTH_ASSIGN(bool gone, wait_for_exit(record, 10'000));
    if (gone) return refresh(record);
  }
  return {};
}

Result<int> ContainerService::wait(std::string_view name) {
  for (;;) {
    BERTH_ASSIGN(ContainerRecord record, find(name));
    if (!record.state.active()) return record.state.exit_code;
    if (record.state.status == ContainerStatus::restarting) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      continue;
    }
    BERTH_ASSIGN(bool gone, wait_for_exit(record, 60'000));
    (void)gone;
  }
}

// The previous run's shim lets go of that run's mount namespace, and with it
// of the overlay on the same upper and work dirs, only after it has reported
// the exit (see shim/shim_setup.h): a start right after a stop waits for
// that shim to end (it does at once, but for a --rm client it outlives).
void ContainerService::await_previous_shim(const ContainerRecord& record) {
  if (process_alive(record.state.shim_pid, record.state.shim_start_time)) wait_pid_gone(record.state.shim_pid, 2000);
}

// Moves the container's directory to <root>/trash/<id> for its shim to
// delete (see RemoveOptions::leave_files_to_shim), with the list of its
// emptied cgroup directories in it; false: not moved.
static bool leave_to_shim(const ContainerPaths& paths, const std::vector<std::string>& cgroup_dirs) {
  if (!cgroup_dirs.empty()) {
    std::string list;
    for (const auto& dir : cgroup_dirs) list += dir + "\n";
    if (!write_file_atomic((paths.dir / shim::leftover_cgroup_list).string(), list, 0600, Durability::until_reboot))
      return false;
  }
  if (::mkdir(paths.trash_root.c_str(), 0700) != 0 && errno != EEXIST) return false;
  return ::rename(paths.dir.c_str(), paths.trash().c_str()) == 0;
}

Status ContainerService::remove(std::string_view name, const RemoveOptions& options) {
  BERTH_ASSIGN(ContainerRecord found, lookup(name));
  BERTH_ASSIGN(auto held, lock(found.id));
  BERTH_ASSIGN(ContainerRecord record, lookup(found.id));
  // A foreground run --rm whose shim lives leaves it the cgroup's
  // directories too (a dozen rmdirs on a v1 host), with the container's
  // directory: the shim deletes both once this process has ended.
  bool shim_finishes =
      options.leave_files_to_shim && process_alive(record.state.shim_pid, record.state.shim_start_time);
  std::vector<std::string> cgroup_dirs;
  std::vector<std::string>* leave_cgroup_dirs = shim_finishes ? &cgroup_dirs : nullptr;
  // Whatever stops the removal below, the cgroup goes as it always did.
  struct RemoveUnlessLeft {
    std::vector<std::string>& dirs;
    ~RemoveUnlessLeft() { (void)runtime::remove_cgroup_directories(dirs); }
  } cgroup_guard{cgroup_dirs};
  // Not saved: the row goes below. Should the removal fail first, the next
  // refresh folds the same exit again (the run dir goes after the row).
  // The fold of the exit releases the runtime's hold on the container.
  BERTH_TRY(refresh(record, Persist::no, leave_cgroup_dirs));
  if (record.state.active()) {
    if (!options.force)
      return fail(
          "cannot remove container \"/{}\": container is running: stop the container before removing or force remove",
          record.name);
    BERTH_TRY(mark_stop_requested(*this, record));
    BERTH_TRY(save_state(record));
    if (record.state.running()) {
      BERTH_TRY(send_signal(record, SIGKILL));
      BERTH_ASSIGN(bool gone, wait_for_exit(record, 10'000));
      if (!gone) return fail("container {} did not stop after SIGKILL", record.id.substr(0, 12));
    }
  }
  BERTH_TRY(release_runtime(record, leave_cgroup_dirs));
  // The row goes first: from here on the container does not exist, and what
  // a crash leaves of its directories has no row to look complete.
  // Volumes first: if letting them go fails, the container is still there
  // to remove again, and no reference outlives it.
  if (record.state.volumes.empty()) {
    // No volumes of its own: only a crash's leftovers can name it (see
    // detach_volumes), and they go in the row's own transaction.
    BERTH_TRY(images_.metadata().remove_container_row_and_references(record.id));
  } else {
    BERTH_TRY(detach_volumes(record, options.volumes));
    BERTH_TRY(images_.metadata().remove_container_row(record.id));
  }
  ContainerPaths paths = paths_of(record.id);
  // Moved before the run dir goes: the shim takes a missing run dir as the
  // sign that the container was removed, and then deletes what we left.
  bool left_to_shim = shim_finishes && leave_to_shim(paths, cgroup_dirs);
  if (left_to_shim) cgroup_dirs.clear();  // the shim's now
  BERTH_TRY(remove_path(paths.run_dir));
  if (!left_to_shim) BERTH_TRY(remove_path(paths.dir));
  std::error_code ignored;
  std::filesystem::remove(options_.runroot / "locks" / record.id, ignored);
  emit(record, "destroy");
  sweep_trash();  // what a shim that died could not delete
  return {};
}

}  // namespace berth
