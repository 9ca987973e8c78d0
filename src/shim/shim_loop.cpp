#include "shim/shim_loop.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <array>
#include <cstring>
#include <optional>
#include <vector>

#include "base/cgroup_leftovers.h"
#include "base/process_start_time.h"
#include "base/remove_tree.h"
#include "shim/attach_server.h"
#include "shim/berth_commands.h"
#include "shim/child_runner.h"
#include "shim/die_event.h"
#include "shim/exit_record.h"
#include "shim/json_log_writer.h"
#include "shim/log_line_splitter.h"
#include "shim/restart_policy.h"
#include "shim/rfc3339_time.h"
#include "shim/shim_error.h"
#include "shim/shim_files.h"
#include "shim/shim_setup.h"
#include "shim/startup_pages.h"

namespace berth::shim {

namespace {

constexpr char attach_socket_name[] = "attach.sock";
constexpr char exit_record_name[] = "exit.json";
constexpr char stop_request_name[] = "stop-requested";
constexpr char config_name[] = "shim.conf";

constexpr uint64_t drain_limit_ms = 2000;   // output drain after the init exits
constexpr uint64_t notify_limit_ms = 2000;  // for clients to take their last bytes
constexpr uint64_t stop_request_check_ms = 50;
// Beyond this much stdin the container has not read, stop reading clients.
constexpr size_t stdin_backlog_limit = 1024 * 1024;
constexpr size_t output_read_size = 32 * 1024;
constexpr int output_reads_per_wakeup = 8;
// A container still running after this long is likely to run for a while:
// the shim then drops its start-up pages (startup_pages.h). Not at once, so
// that a short-lived container's exit path does not fault its code back in.
constexpr uint64_t startup_pages_kept_ms = 1000;

uint64_t monotonic_ms() {
  timespec now{};
  ::clock_gettime(CLOCK_MONOTONIC, &now);
  return static_cast<uint64_t>(now.tv_sec) * 1000 + static_cast<uint64_t>(now.tv_nsec) / 1'000'000;
}

int remaining_ms(uint64_t deadline, uint64_t now) {
  return deadline > now ? static_cast<int>(std::min<uint64_t>(deadline - now, 60'000)) : 0;
}

// The record for an init whose exit status the shim cannot know.
ExitRecord unknown_exit(pid_t pid) {
  ExitRecord record;
  record.exit_code = 255;
  record.exited_at = realtime_now();
  record.error = "init pid " + std::to_string(pid) + " is not a child of the shim; exit status unknown";
  return record;
}

enum class Phase { running, draining, notifying, backing_off, awaiting_client, done };

struct OutputSource {
  UniqueFd fd;
  LogStream stream = LogStream::stdout_stream;
  uint8_t frame = frame_kind::stdout_data;
  LogLineSplitter splitter;
};

class ShimLoop final : public AttachInput {
 public:
  ShimLoop(ShimConfig config, UniqueFd signal_fd, InheritedFds fds, std::optional<JsonLogWriter> log,
           AttachServer attach)
      : config_(std::move(config)),
        signal_fd_(std::move(signal_fd)),
        log_(std::move(log)),
        attach_(std::move(attach)),
        started_ms_(monotonic_ms()) {
    if (config_.terminal) {
      // One output (all of it "stdout"); a second descriptor of the master
      // for input and resizes outlives the output's EOF.
      pty_.reset(::fcntl(fds.pty_master.get(), F_DUPFD_CLOEXEC, 0));
      outputs_[0].fd = std::move(fds.pty_master);
      output_count_ = 1;
    } else {
      stdin_pipe_ = std::move(fds.stdin_pipe);
      outputs_[0].fd = std::move(fds.stdout_pipe);
      outputs_[1].fd = std::move(fds.stderr_pipe);
      outputs_[1].stream = LogStream::stderr_stream;
      outputs_[1].frame = frame_kind::stderr_data;
      output_count_ = 2;
    }
    container_mount_namespace_ = std::move(fds.mount_namespace);
    container_net_namespace_ = std::move(fds.net_namespace);
    next_probe_ms_ = started_ms_ + config_.health_start_ms;
    // Alive now: it waits for our ready report. Gone already: we remove.
    if (config_.auto_remove && config_.client_pid > 0)
      client_pidfd_.reset(static_cast<int>(::syscall(SYS_pidfd_open, config_.client_pid, 0)));
    poll_fds_.reserve(16);
  }

  void adopt_init();
  int run();

  void on_stdin(std::string_view data) override;
  void on_stdin_eof() override;
  void on_stdin_detach() override;
  void on_resize(WindowSize size) override;
  void on_client_error(std::string_view why) override { report(why); }

 private:
  int stdin_target() const;
  void reap_children();
  void on_init_exit(ExitRecord record);
  void read_output(OutputSource& output);
  void end_output(OutputSource& output);
  void log_and_forward(OutputSource& output, std::string_view data);
  void write_stdin();
  void advance();
  void step(uint64_t now);
  int poll_timeout_ms() const;
  void maybe_probe(uint64_t now);
  void finish_draining(uint64_t now);
  void finish_back_off(uint64_t now);
  void remove_container();
  void delete_leftovers();
  void write_record();
  bool stop_requested() const { return ::access(stop_request_name, F_OK) == 0; }
  void report(std::string_view message) const;

  ShimConfig config_;
  UniqueFd signal_fd_;
  std::optional<JsonLogWriter> log_;
  bool log_failed_ = false;
  AttachServer attach_;
  std::array<OutputSource, 2> outputs_;
  size_t output_count_ = 0;
  UniqueFd stdin_pipe_;
  UniqueFd pty_;
  std::string stdin_pending_;
  size_t stdin_sent_ = 0;
  bool stdin_close_requested_ = false;

  UniqueFd init_pidfd_;  // only when the init is not our child
  UniqueFd container_mount_namespace_;  // see mount_namespace_fd_number
  UniqueFd container_net_namespace_;    // see net_namespace_fd_number: until we exit
  UniqueFd client_pidfd_;  // the foreground `berth run` that removes the container (--rm)
  std::optional<ExitRecord> exit_;
  Phase phase_ = Phase::running;
  uint64_t started_ms_;
  bool startup_pages_released_ = false;
  uint64_t exited_ms_ = 0;
  uint64_t deadline_ms_ = 0;  // drain, notify or back-off end, by phase
  uint64_t next_restart_delay_ms_ = 0;
  uint64_t restart_at_ms_ = 0;
  pid_t probe_pid_ = 0;
  uint64_t next_probe_ms_ = 0;
  std::vector<pollfd> poll_fds_;
};

void ShimLoop::report(std::string_view message) const {
  std::string line = "berth-shim " + config_.id + ": ";
  line.append(message);
  line.push_back('\n');
  [[maybe_unused]] ssize_t ignored = ::write(STDERR_FILENO, line.data(), line.size());
}

void ShimLoop::adopt_init() {
  int status = 0;
  pid_t waited = ::waitpid(config_.pid, &status, WNOHANG);
  if (waited == config_.pid) {
    on_init_exit(exit_record_from_status(status, realtime_now()));
    return;
  }
  if (waited == 0) return;
  // Not our child: its status is not ours to read. Watch for its end through
  // a pidfd so exit.json is still written when it goes.
  init_pidfd_.reset(static_cast<int>(::syscall(SYS_pidfd_open, config_.pid, 0)));
  if (init_pidfd_) {
    report(unknown_exit(config_.pid).error);
    return;
  }
  on_init_exit(unknown_exit(config_.pid));
}

void ShimLoop::on_init_exit(ExitRecord record) {
  exit_ = std::move(record);
  exited_ms_ = monotonic_ms();
  deadline_ms_ = exited_ms_ + drain_limit_ms;
  phase_ = Phase::draining;
}

void ShimLoop::reap_children() {
  signalfd_siginfo info;
  while (::read(signal_fd_.get(), &info, sizeof info) == sizeof info) {
  }
  for (;;) {
    int status = 0;
    pid_t pid = ::waitpid(-1, &status, WNOHANG);
    if (pid <= 0) return;  // none left that ended, or no children at all
    if (pid == config_.pid && !exit_) {
      on_init_exit(exit_record_from_status(status, realtime_now()));
    } else if (pid == probe_pid_) {
      probe_pid_ = 0;
      next_probe_ms_ = monotonic_ms() + config_.health_interval_ms;
    }
    // Anything else is an orphan of the container: reaping it is all.
  }
}

int ShimLoop::stdin_target() const {
  if (config_.terminal) return config_.stdin_open ? pty_.get() : -1;
  return stdin_pipe_.get();
}

void ShimLoop::on_stdin(std::string_view data) {
  if (stdin_target() < 0 || stdin_close_requested_) return;
  stdin_pending_.append(data);
  write_stdin();
}

void ShimLoop::on_stdin_eof() {
  // With a terminal, EOF is a ^D the client sends as data.
  if (config_.terminal || !stdin_pipe_) return;
  stdin_close_requested_ = true;
  write_stdin();
}

void ShimLoop::on_stdin_detach() {
  if (config_.stdin_once) on_stdin_eof();
}

void ShimLoop::on_resize(WindowSize size) {
  if (!pty_) return;
  winsize window{};
  window.ws_row = size.rows;
  window.ws_col = size.cols;
  if (::ioctl(pty_.get(), TIOCSWINSZ, &window) != 0) report(std::string("resize pty: ") + std::strerror(errno));
}

void ShimLoop::write_stdin() {
  int fd = stdin_target();
  while (fd >= 0 && stdin_sent_ < stdin_pending_.size()) {
    ssize_t written = ::write(fd, stdin_pending_.data() + stdin_sent_, stdin_pending_.size() - stdin_sent_);
    if (written < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN) return;
      // The container closed its stdin (EPIPE) or the pty is gone: nobody
      // will read what is queued.
      if (!config_.terminal) stdin_pipe_.reset();
      fd = -1;
      break;
    }
    stdin_sent_ += static_cast<size_t>(written);
  }
  stdin_pending_.clear();
  stdin_sent_ = 0;
  if (stdin_pending_.capacity() > 64 * 1024) std::string().swap(stdin_pending_);
  if (stdin_close_requested_) stdin_pipe_.reset();
}

void ShimLoop::log_and_forward(OutputSource& output, std::string_view data) {
  if (log_ && !log_failed_) {
    timespec now = realtime_now();
    output.splitter.feed(data, [&](std::string_view piece) {
      if (log_failed_) return;
      if (auto written = log_->write_entry(piece, output.stream, now); !written) {
        // Keep serving the container; say it once (the disk may be full).
        log_failed_ = true;
        report(written.error().message);
      }
    });
  }
  attach_.broadcast(output.frame, data);
}

void ShimLoop::end_output(OutputSource& output) {
  if (log_ && !log_failed_) {
    timespec now = realtime_now();
    output.splitter.finish([&](std::string_view piece) {
      if (auto written = log_->write_entry(piece, output.stream, now); !written) {
        log_failed_ = true;
        report(written.error().message);
      }
    });
  }
  output.fd.reset();
}

void ShimLoop::read_output(OutputSource& output) {
  char buffer[output_read_size];
  for (int round = 0; round < output_reads_per_wakeup && output.fd; ++round) {
    ssize_t got = ::read(output.fd.get(), buffer, sizeof buffer);
    if (got > 0) {
      log_and_forward(output, std::string_view(buffer, static_cast<size_t>(got)));
      continue;
    }
    if (got < 0 && errno == EINTR) continue;
    if (got < 0 && errno == EAGAIN) return;
    // 0 is EOF; a pty master reads EIO once no slave is open.
    end_output(output);
  }
}

void ShimLoop::maybe_probe(uint64_t now) {
  if (config_.health_interval_ms == 0 || probe_pid_ != 0 || now < next_probe_ms_) return;
  auto pid = spawn_detached(health_probe_command(config_));
  if (!pid) {
    report(pid.error().message);
    next_probe_ms_ = now + config_.health_interval_ms;
    return;
  }
  probe_pid_ = *pid;
}

void ShimLoop::write_record() {
  if (auto written = write_exit_record(exit_record_name, *exit_); !written) report(written.error().message);
}

void ShimLoop::finish_draining(uint64_t now) {
  for (size_t index = 0; index < output_count_; ++index)
    if (outputs_[index].fd) end_output(outputs_[index]);
  ExitRecord& record = *exit_;
  if (!config_.oom_events.empty()) {
    if (auto events = read_small_file(config_.oom_events)) {
      auto count = parse_oom_kill_count(*events);
      record.oom_killed = count && *count > 0;
    }
  }
  // `berth update --restart` and `berth rename` rewrite shim.conf while the
  // container runs: the policy and the name in force are the ones there now.
  if (auto text = read_small_file(config_name)) {
    if (auto fresh = parse_shim_config(*text)) {
      config_.restart = fresh->restart;
      config_.restart_max = fresh->restart_max;
      config_.event_name = fresh->event_name;  // `berth rename`
    }
  }
  RestartFacts facts{config_.restart, record.exit_code, config_.restart_max, config_.restart_count, stop_requested()};
  record.restarting = should_restart(facts);
  RestartBackoff backoff = restart_backoff(config_.restart_delay_ms, exited_ms_ - started_ms_);
  next_restart_delay_ms_ = backoff.next_ms;
  // "die" before exit.json: stop and rm wait for exit.json, and their own
  // events must come after this one.
  if (!config_.events_log.empty()) {
    auto line = format_die_event(config_.id, config_.event_name, config_.event_image, config_.event_labels, record);
    if (auto appended = append_event_line(config_.events_log, line); !appended) report(appended.error().message);
  }
  write_record();
  attach_.send_exit(record.exit_code);
  // Reported: now the kernel may take the container's mounts down, here,
  // before any restart mounts its root again.
  container_mount_namespace_.reset();
  stdin_pending_.clear();
  stdin_pipe_.reset();
  phase_ = Phase::notifying;
  deadline_ms_ = now + notify_limit_ms;
  // The back-off runs from the exit, not from when clients were served.
  restart_at_ms_ = exited_ms_ + backoff.wait_ms;
}

void ShimLoop::finish_back_off(uint64_t now) {
  if (stop_requested()) {
    exit_->restarting = false;
    write_record();
    phase_ = Phase::done;
    return;
  }
  if (now < restart_at_ms_) return;
  if (auto pid = spawn_detached(restart_command(config_, next_restart_delay_ms_)); !pid) {
    report(pid.error().message);
    exit_->restarting = false;
    write_record();
  } else {
    // A berth that finds the record restarting with both of us gone knows
    // the restart was cut short.
    exit_->restarter_pid = *pid;
    exit_->restarter_start_time = process_start_time(*pid);
    write_record();
  }
  phase_ = Phase::done;
}

// Unless the run dir (our working directory) is gone already: then the
// container was removed, by the client or a `berth rm`; what the client
// left to us goes now.
void ShimLoop::remove_container() {
  struct stat here {};
  if (::stat(".", &here) == 0 && here.st_nlink == 0) {
    delete_leftovers();
    return;
  }
  if (auto pid = spawn_detached(remove_command(config_)); !pid) report(pid.error().message);
}

void ShimLoop::delete_leftovers() {
  if (config_.leftover_path.empty()) return;
  size_t slash = config_.leftover_path.rfind('/');
  std::string parent = config_.leftover_path.substr(0, slash);
  std::string name = config_.leftover_path.substr(slash + 1);  // the container's id
  UniqueFd parent_fd(::open(parent.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (!parent_fd) return;  // nothing was left
  // A cgroup that could not go keeps the whole entry, list and all, for
  // the next trash sweep of a berth to try again.
  if (auto removed = remove_listed_cgroups(config_.leftover_path + "/" + std::string(leftover_cgroup_list), name);
      !removed) {
    report(removed.error().message);
    return;
  }
  if (auto removed = remove_tree(parent_fd.get(), name); !removed) report(removed.error().message);
}

void ShimLoop::advance() {
  // One phase may complete the next at once (nothing left to drain, no
  // client to serve): step until the phase holds.
  for (;;) {
    Phase before = phase_;
    step(monotonic_ms());
    if (phase_ == before) return;
  }
}

void ShimLoop::step(uint64_t now) {
  switch (phase_) {
    case Phase::running:
      maybe_probe(now);
      break;
    case Phase::draining: {
      bool open = false;
      for (size_t index = 0; index < output_count_; ++index) open = open || outputs_[index].fd.valid();
      if (!open || now >= deadline_ms_) finish_draining(now);
      break;
    }
    case Phase::notifying:
      if (!attach_.has_unsent_output() || now >= deadline_ms_) {
        phase_ = exit_->restarting ? Phase::backing_off : Phase::done;
        // --rm, as dockerd's AutoRemove. A foreground `berth run` removes
        // the container itself: wait for it to end, then see if it did.
        if (phase_ == Phase::done && config_.auto_remove) {
          if (client_pidfd_) {
            phase_ = Phase::awaiting_client;
          } else {
            remove_container();
          }
        }
      }
      break;
    case Phase::backing_off:
      finish_back_off(now);
      break;
    case Phase::awaiting_client:
      if (!client_pidfd_) {
        remove_container();
        phase_ = Phase::done;
      }
      break;
    case Phase::done:
      break;
  }
}

int ShimLoop::poll_timeout_ms() const {
  uint64_t now = monotonic_ms();
  switch (phase_) {
    case Phase::running:
      if (config_.health_interval_ms == 0 || probe_pid_ != 0) return -1;
      return remaining_ms(next_probe_ms_, now);
    case Phase::draining:
    case Phase::notifying:
      return remaining_ms(deadline_ms_, now);
    case Phase::backing_off:
      return std::min<int>(remaining_ms(restart_at_ms_, now), stop_request_check_ms);
    case Phase::awaiting_client:
      return -1;  // its pidfd wakes us
    case Phase::done:
      return 0;
  }
  return -1;
}

int ShimLoop::run() {
  advance();  // the init may have ended before the loop started
  while (phase_ != Phase::done) {
    poll_fds_.clear();
    poll_fds_.push_back({signal_fd_.get(), POLLIN, 0});
    int pidfd_index = -1;
    if (init_pidfd_) {
      pidfd_index = static_cast<int>(poll_fds_.size());
      poll_fds_.push_back({init_pidfd_.get(), POLLIN, 0});
    }
    int client_index = -1;
    if (phase_ == Phase::awaiting_client && client_pidfd_) {
      client_index = static_cast<int>(poll_fds_.size());
      poll_fds_.push_back({client_pidfd_.get(), POLLIN, 0});
    }
    std::array<int, 2> output_index = {-1, -1};
    for (size_t index = 0; index < output_count_; ++index) {
      if (!outputs_[index].fd) continue;
      output_index[index] = static_cast<int>(poll_fds_.size());
      poll_fds_.push_back({outputs_[index].fd.get(), POLLIN, 0});
    }
    int stdin_index = -1;
    if (stdin_sent_ < stdin_pending_.size() && stdin_target() >= 0) {
      stdin_index = static_cast<int>(poll_fds_.size());
      poll_fds_.push_back({stdin_target(), POLLOUT, 0});
    }
    size_t attach_index = poll_fds_.size();
    attach_.add_poll_fds(poll_fds_, stdin_pending_.size() - stdin_sent_ < stdin_backlog_limit);

    int timeout_ms = poll_timeout_ms();
    if (!startup_pages_released_ && phase_ == Phase::running) {
      int release_in = remaining_ms(started_ms_ + startup_pages_kept_ms, monotonic_ms());
      timeout_ms = timeout_ms < 0 ? release_in : std::min(timeout_ms, release_in);
    }
    int ready = ::poll(poll_fds_.data(), poll_fds_.size(), timeout_ms);
    if (ready < 0 && errno != EINTR) {
      report(std::string("poll: ") + std::strerror(errno));
      return 1;
    }
    if (ready >= 0) {  // on a timeout every revents is 0; dropped clients still get swept
      if (poll_fds_[0].revents & POLLIN) reap_children();
      if (pidfd_index >= 0 && poll_fds_[pidfd_index].revents) {
        init_pidfd_.reset();
        if (!exit_) on_init_exit(unknown_exit(config_.pid));
      }
      if (client_index >= 0 && poll_fds_[client_index].revents) client_pidfd_.reset();
      for (size_t index = 0; index < output_count_; ++index)
        if (output_index[index] >= 0 && poll_fds_[output_index[index]].revents) read_output(outputs_[index]);
      if (stdin_index >= 0 && poll_fds_[stdin_index].revents) write_stdin();
      attach_.handle_poll(std::span<const pollfd>(poll_fds_).subspan(attach_index), *this);
    }
    if (!startup_pages_released_ && phase_ == Phase::running &&
        monotonic_ms() >= started_ms_ + startup_pages_kept_ms) {
      release_startup_pages();
      startup_pages_released_ = true;
    }
    advance();
  }
  attach_.shut_down();
  return 0;
}

// Fds 0-2 must be taken, or the first file the shim opens would become its
// "stderr" and receive its diagnostics.
void ensure_stdio_open() {
  for (int fd = 0; fd <= 2; ++fd) {
    if (::fcntl(fd, F_GETFD) >= 0) continue;
    int null_fd = ::open("/dev/null", O_RDWR);
    if (null_fd >= 0 && null_fd != fd) {
      ::dup2(null_fd, fd);
      ::close(null_fd);
    }
  }
}

Result<ShimLoop> set_up(int argc, char** argv) {
  if (argc != 2) return shim_fail("usage: berth-shim <run-dir>");
  std::string run_dir = argv[1];
  if (run_dir.empty() || run_dir.front() != '/')
    return shim_fail("run dir must be an absolute path, got \"", run_dir, "\"");
  // Working in the run dir keeps socket paths short (sun_path is 108 bytes).
  if (::chdir(run_dir.c_str()) != 0) return shim_fail_errno(errno, "chdir ", run_dir);
  // The engine's child set this before exec; setting it again costs nothing
  // and makes the shim correct however it was started.
  if (::prctl(PR_SET_CHILD_SUBREAPER, 1) != 0) return shim_fail_errno(errno, "become child subreaper");
  BERTH_ASSIGN(UniqueFd signal_fd, setup_signals());
  auto text = read_small_file(config_name);
  if (!text) return shim_context(std::move(text), "read shim.conf");
  BERTH_ASSIGN(ShimConfig config, parse_shim_config(*text));
  BERTH_ASSIGN(InheritedFds fds, take_inherited_fds(config));
  std::optional<JsonLogWriter> log;
  if (config.log_driver == LogDriver::json_file) {
    BERTH_ASSIGN(log, JsonLogWriter::open(config.log_path, LogRotation{config.log_max_size, config.log_max_file}));
  }
  BERTH_ASSIGN(AttachServer attach, AttachServer::listen(attach_socket_name));
  if (fds.attach_client) BERTH_TRY(attach.adopt_client(std::move(fds.attach_client)));
  ShimLoop loop(std::move(config), std::move(signal_fd), std::move(fds), std::move(log), std::move(attach));
  loop.adopt_init();
  return loop;
}

}  // namespace

int run_shim(int argc, char** argv) {
  ensure_stdio_open();
  UniqueFd ready_fd;
  if (::fcntl(ready_fd_number, F_SETFD, FD_CLOEXEC) == 0) ready_fd.reset(ready_fd_number);
  auto loop = set_up(argc, argv);
  if (!loop) {
    std::string line = "berth-shim: " + loop.error().message + "\n";
    [[maybe_unused]] ssize_t ignored = ::write(STDERR_FILENO, line.data(), line.size());
    report_ready(std::move(ready_fd), std::unexpected(loop.error()));
    return 1;
  }
  report_ready(std::move(ready_fd), {});
  return loop->run();
}

}  // namespace berth::shim
