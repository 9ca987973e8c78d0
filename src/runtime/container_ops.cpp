#include "runtime/container_ops.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <thread>

#include "base/file_io.h"
#include "base/unique_fd.h"
#include "runtime/hooks.h"
#include "runtime/state_json.h"

namespace berth::runtime {

namespace {

// Polls until pred() holds or the deadline passes; cheap first checks, then backs off.
template <class Predicate>
bool wait_until(Predicate pred, std::chrono::milliseconds limit) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  auto pause = std::chrono::microseconds(100);
  while (!pred()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(pause);
    pause = std::min<std::chrono::microseconds>(pause * 2, std::chrono::milliseconds(20));
  }
  return true;
}

// A start time of 0 was read from an init that had already ended (a zombie
// reads as 0): it names no live process, and must not match a gone one's 0.
bool init_alive(const ContainerState& state) {
  return state.pid > 0 && state.pid_start_time != 0 && process_start_time(state.pid) == state.pid_start_time;
}

// Signals the init through a pidfd, so a recycled pid is never hit.
Status signal_init(const ContainerState& state, int signal) {
  UniqueFd pidfd(static_cast<int>(::syscall(SYS_pidfd_open, state.pid, 0)));
  if (!pidfd) {
    if (errno == ESRCH) return fail("container not running");
    return fail_errno(errno, "pidfd_open {}", state.pid);
  }
  if (!init_alive(state)) return fail("container not running");
  if (::syscall(SYS_pidfd_send_signal, pidfd.get(), signal, nullptr, 0) != 0) {
    if (errno == ESRCH) return fail("container not running");
    return fail_errno(errno, "signal {} to pid {}", signal, state.pid);
  }
  return {};
}

Status signal_all(Cgroup& cgroup, int signal) {
  BERTH_ASSIGN(auto pids, cgroup.processes());
  for (pid_t pid : pids)
    if (::kill(pid, signal) != 0 && errno != ESRCH) return fail_errno(errno, "signal {} to pid {}", signal, pid);
  // Frozen processes receive the signal only once thawed.
  if (signal == SIGKILL) {
    auto frozen = cgroup.frozen();
    if (frozen && *frozen) BERTH_TRY(cgroup.thaw());
  }
  return {};
}

// Kills everything and waits until the init is gone and the cgroup empty.
Status kill_and_wait(const ContainerState& state, Cgroup* cgroup) {
  if (state.shares_pid_namespace && cgroup) {
    (void)signal_all(*cgroup, SIGKILL);
  } else if (init_alive(state)) {
    (void)signal_init(state, SIGKILL);
    if (cgroup) (void)cgroup->thaw();  // a frozen init cannot die
  }
  bool gone = wait_until(
      [&] {
        if (init_alive(state)) return false;
        if (!cgroup) return true;
        auto pids = cgroup->processes();
        return !pids || pids->empty();
      },
      std::chrono::seconds(10));
  if (!gone) return fail("container {}: processes still running 10 s after SIGKILL", state.id);
  return {};
}

}  // namespace

Result<Container> load_container(const StateStore& store, const std::string& id) {
  BERTH_ASSIGN(ContainerState state, store.load(id));
  ContainerStatus status = current_status(state, store);
  return Container{std::move(state), status};
}

Result<std::unique_ptr<Cgroup>> container_cgroup(const ContainerState& state) {
  if (state.cgroup.is_null()) return fail("container {} has no cgroup", state.id);
  return Cgroup::from_state(state.cgroup);
}

Result<oci::Spec> container_spec(const StateStore& store, const std::string& id) {
  BERTH_ASSIGN(std::string text, read_file(store.config_path(id)));
  return oci::parse_spec(text);
}

Status start_container(const StateStore& store, const std::string& id) {
  BERTH_ASSIGN(Container container, load_container(store, id));
  switch (container.status) {
    case ContainerStatus::created:
      break;
    case ContainerStatus::stopped:
      return fail("cannot start a container that has stopped");
    default:
      return fail("cannot start an already running container");
  }
  std::string fifo = store.fifo_path(id);
  UniqueFd reader(::open(fifo.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC));
  if (!reader) return fail_errno(errno, "open exec fifo {}", fifo);
  // The init opens its end and writes one byte; if it died instead, say so.
  for (;;) {
    pollfd wait{reader.get(), POLLIN, 0};
    int ready = ::poll(&wait, 1, 50);
    if (ready < 0 && errno != EINTR) return fail_errno(errno, "poll exec fifo");
    if (ready > 0 && (wait.revents & POLLIN)) break;
    // Hang-up without data: another `start` took the byte first.
    if (ready > 0 && (wait.revents & POLLHUP)) return fail("cannot start an already running container");
    if (!init_alive(container.state)) return fail("cannot start a container that has stopped");
  }
  // The unlink is the start's point of no return: the init goes once the
  // fifo is gone (or its byte read). A start killed before it leaves the
  // init waiting for the next start, and the container still created.
  if (::unlink(fifo.c_str()) != 0 && errno == ENOENT) return fail("cannot start an already running container");
  char byte;
  if (::read(reader.get(), &byte, 1) != 1) return fail("container init did not confirm the start");
  // The init holds its end open (close-on-exec) through the startContainer
  // hooks: end of file means the container process is running; anything
  // written first is the init's report of why it could not get there.
  std::string report;
  for (;;) {
    pollfd wait{reader.get(), POLLIN, 0};
    int ready = ::poll(&wait, 1, 50);
    if (ready < 0 && errno != EINTR) return fail_errno(errno, "poll exec fifo");
    if (ready > 0) {
      char buffer[4096];
      ssize_t n = ::read(reader.get(), buffer, sizeof buffer);
      if (n > 0) report.append(buffer, static_cast<size_t>(n));
      if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) break;
    }
    if (!init_alive(container.state)) break;
  }
  if (!report.empty() && report[0] == 'e') return fail("{}", report.substr(1));
  if (!container.state.has_exit_hooks) return {};
  BERTH_ASSIGN(oci::Spec spec, container_spec(store, id));
  run_hooks_or_warn(spec.hooks.poststart, "poststart", hook_state_json(container.state, ContainerStatus::running));
  return {};
}

Status kill_container(const StateStore& store, const std::string& id, int signal, bool all) {
  BERTH_ASSIGN(Container container, load_container(store, id));
  if (container.status == ContainerStatus::stopped) return fail("container not running");
  // Without a pid namespace of its own, killing the init kills nobody else:
  // SIGKILL goes to all, as runc does; other signals only with --all.
  if (all || (container.state.shares_pid_namespace && signal == SIGKILL)) {
    BERTH_ASSIGN(auto cgroup, container_cgroup(container.state));
    return signal_all(*cgroup, signal);
  }
  return signal_init(container.state, signal);
}

Status teardown_container(const StateStore& store, const ContainerState& state, Cgroup* cgroup, const oci::Spec* spec,
                          std::vector<std::string>* leave_cgroup_dirs) {
  BERTH_TRY(kill_and_wait(state, cgroup));
  if (cgroup && leave_cgroup_dirs) {
    for (auto& dir : cgroup->directories()) leave_cgroup_dirs->push_back(std::move(dir));
  } else if (cgroup) {
    BERTH_TRY(cgroup->destroy());
  }
  BERTH_TRY(store.remove(state.id));
  if (spec) run_hooks_or_warn(spec->hooks.poststop, "poststop", hook_state_json(state, ContainerStatus::stopped));
  return {};
}

Status delete_container(const StateStore& store, const std::string& id, bool force,
                        std::vector<std::string>* leave_cgroup_dirs) {
  BERTH_ASSIGN(Container container, load_container(store, id));
  if (container.status == ContainerStatus::running || container.status == ContainerStatus::paused) {
    if (!force) return fail("cannot delete container {} that is not stopped: {}", id, status_name(container.status));
  }
  auto cgroup = container_cgroup(container.state);
  auto spec = container.state.has_exit_hooks ? container_spec(store, id) : fail("config.json: not read, no hooks");
  return teardown_container(store, container.state, cgroup ? cgroup->get() : nullptr, spec ? &*spec : nullptr,
                            leave_cgroup_dirs);
}

Status pause_container(const StateStore& store, const std::string& id) {
  BERTH_ASSIGN(Container container, load_container(store, id));
  if (container.status != ContainerStatus::running && container.status != ContainerStatus::created)
    return fail("container not running");
  BERTH_ASSIGN(auto cgroup, container_cgroup(container.state));
  return cgroup->freeze();
}

Status resume_container(const StateStore& store, const std::string& id) {
  BERTH_ASSIGN(Container container, load_container(store, id));
  if (container.status != ContainerStatus::paused) return fail("container not paused");
  BERTH_ASSIGN(auto cgroup, container_cgroup(container.state));
  return cgroup->thaw();
}

Status update_container(const StateStore& store, const std::string& id, const oci::Resources& resources) {
  BERTH_ASSIGN(Container container, load_container(store, id));
  if (container.status == ContainerStatus::stopped) return fail("container not running");
  BERTH_ASSIGN(auto cgroup, container_cgroup(container.state));
  return cgroup->update(resources);
}

Result<std::vector<pid_t>> container_processes(const StateStore& store, const std::string& id) {
  BERTH_ASSIGN(Container container, load_container(store, id));
  if (container.status == ContainerStatus::stopped) return std::vector<pid_t>{};
  BERTH_ASSIGN(auto cgroup, container_cgroup(container.state));
  return cgroup->processes();
}

Result<int> parse_signal(const std::string& name) {
  if (name.empty()) return fail("signal name is empty");
  if (std::isdigit(static_cast<unsigned char>(name[0]))) {
    char* end = nullptr;
    long number = std::strtol(name.c_str(), &end, 10);
    if (*end != '\0' || number <= 0 || number > SIGRTMAX) return fail("invalid signal: {}", name);
    return static_cast<int>(number);
  }
  std::string upper;
  for (char c : name) upper += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (upper.rfind("SIG", 0) == 0) upper = upper.substr(3);
  static const std::pair<const char*, int> signals[] = {
      {"HUP", SIGHUP},   {"INT", SIGINT},       {"QUIT", SIGQUIT}, {"ILL", SIGILL},     {"TRAP", SIGTRAP},
      {"ABRT", SIGABRT}, {"IOT", SIGIOT},       {"BUS", SIGBUS},   {"FPE", SIGFPE},     {"KILL", SIGKILL},
      {"USR1", SIGUSR1}, {"SEGV", SIGSEGV},     {"USR2", SIGUSR2}, {"PIPE", SIGPIPE},   {"ALRM", SIGALRM},
      {"TERM", SIGTERM}, {"STKFLT", SIGSTKFLT}, {"CHLD", SIGCHLD}, {"CONT", SIGCONT},   {"STOP", SIGSTOP},
      {"TSTP", SIGTSTP}, {"TTIN", SIGTTIN},     {"TTOU", SIGTTOU}, {"URG", SIGURG},     {"XCPU", SIGXCPU},
      {"XFSZ", SIGXFSZ}, {"VTALRM", SIGVTALRM}, {"PROF", SIGPROF}, {"WINCH", SIGWINCH}, {"IO", SIGIO},
      {"POLL", SIGPOLL}, {"PWR", SIGPWR},       {"SYS", SIGSYS}};
  for (auto& [signal_name, number] : signals)
    if (upper == signal_name) return number;
  if (upper.rfind("RTMIN", 0) == 0 || upper.rfind("RTMAX", 0) == 0) {
    bool from_min = upper[2] == 'M' && upper[3] == 'I';
    int base = from_min ? SIGRTMIN : SIGRTMAX;
    std::string offset = upper.substr(5);
    if (offset.empty()) return base;
    int delta = std::atoi(offset.c_str());
    int number = base + delta;
    if (number >= SIGRTMIN && number <= SIGRTMAX) return number;
  }
  return fail("unknown signal \"{}\"", name);
}

}  // namespace berth::runtime
