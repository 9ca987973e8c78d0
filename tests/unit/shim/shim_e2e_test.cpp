// End-to-end: the real berth-shim binary, launched as the engine launches it
// (see shim_launcher.h), watched from outside through its run dir, its
// attach socket and the fake `berth` it runs.
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <thread>

#include "base/fd_passing.h"
#include "shim/attach_frame.h"
#include "shim_launcher.h"

namespace berth::shim {
namespace {

using namespace std::chrono_literals;
using testing::launch_shim;
using testing::LaunchedShim;
using testing::LaunchSpec;
using testing::wait_for_exit;

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream content;
  content << in.rdbuf();
  return content.str();
}

bool exists(const std::string& path) { return ::access(path.c_str(), F_OK) == 0; }

bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds limit = 5s) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(10ms);
  }
  return condition();
}

// A client of the attach socket, reading frames with a deadline.
class AttachClient {
 public:
  static AttachClient connect(const std::string& socket, std::string_view hello) {
    AttachClient client;
    auto fd = connect_unix(socket);
    EXPECT_TRUE(fd) << (fd ? "" : fd.error().message);
    if (fd) client.fd_ = std::move(*fd);
    client.send(frame_kind::hello, hello);
    return client;
  }
  // A client already connected (a socket pair end), its hello sent.
  static AttachClient adopt(UniqueFd fd, std::string_view hello) {
    AttachClient client;
    client.fd_ = std::move(fd);
    client.send(frame_kind::hello, hello);
    return client;
  }
  void send(uint8_t kind, std::string_view payload) {
    std::string frame;
    append_frame(frame, kind, payload);
    ASSERT_EQ(::send(fd_.get(), frame.data(), frame.size(), MSG_NOSIGNAL), static_cast<ssize_t>(frame.size()));
  }
  // Reads frames until `done` holds, the peer closes, or the limit passes.
  bool read_until(const std::function<bool()>& done, std::chrono::milliseconds limit = 5s) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (!done() && !closed_) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return false;
      pollfd entry{fd_.get(), POLLIN, 0};
      if (::poll(&entry, 1, static_cast<int>(left.count())) <= 0) continue;
      char buffer[65536];
      ssize_t got = ::recv(fd_.get(), buffer, sizeof buffer, 0);
      if (got <= 0) {
        closed_ = true;
        break;
      }
      decoder_.append(std::string_view(buffer, static_cast<size_t>(got)));
      for (;;) {
        auto frame = decoder_.next();
        EXPECT_TRUE(frame);
        if (!frame || !*frame) break;
        std::string payload((*frame)->payload);
        switch ((*frame)->kind) {
          case frame_kind::stdout_data:
            out += payload;
            break;
          case frame_kind::stderr_data:
            err += payload;
            break;
          case frame_kind::exit:
            exit_code = std::stoi(payload);
            break;
          case frame_kind::attached:
            EXPECT_FALSE(attached) << "a second attached frame";
            EXPECT_TRUE(out.empty() && err.empty()) << "output came before the attached frame";
            attached = true;
            break;
          default:
            ADD_FAILURE() << "unexpected frame kind " << int((*frame)->kind);
        }
      }
    }
    return done();
  }
  bool wait_attached() {
    return read_until([&] { return attached; });
  }
  bool wait_exit() {
    return read_until([&] { return exit_code.has_value(); });
  }
  bool wait_closed() {
    read_until([] { return false; });
    return closed_;
  }
  void close() { fd_.reset(); }

  std::string out, err;
  std::optional<int> exit_code;
  bool attached = false;

 private:
  UniqueFd fd_;
  FrameDecoder decoder_{1 << 24};
  bool closed_ = false;
};

class ShimEndToEnd : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/berth-shim-e2e.XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    dir_ = pattern;
    run_dir_ = dir_ + "/run";
    ASSERT_EQ(::mkdir(run_dir_.c_str(), 0700), 0);
    fake_berth_ = dir_ + "/fake-berth";
    calls_ = dir_ + "/calls";
    std::ofstream(fake_berth_) << "#!/bin/sh\necho \"$@\" >> " << calls_ << "\n";
    ::chmod(fake_berth_.c_str(), 0755);
  }
  void TearDown() override {
    // Everything this test started, by pidfd (never a recycled pid): the
    // container first, then its shim, then strays the test recorded.
    for (LaunchedShim& shim : shims_) {
      testing::kill_session(shim.init_pid);
      if (shim.init_pidfd) ::syscall(SYS_pidfd_send_signal, shim.init_pidfd.get(), SIGKILL, nullptr, 0);
      if (shim.shim_pidfd) {
        ::syscall(SYS_pidfd_send_signal, shim.shim_pidfd.get(), SIGKILL, nullptr, 0);
        wait_for_exit(shim.shim_pidfd.get(), 2000);
      }
    }
    for (UniqueFd& stray : strays_) ::syscall(SYS_pidfd_send_signal, stray.get(), SIGKILL, nullptr, 0);
    std::filesystem::remove_all(dir_);
  }

  LaunchedShim& launch(LaunchSpec spec) {
    spec.run_dir = run_dir_;
    auto launched = launch_shim(spec);
    EXPECT_TRUE(launched) << (launched ? "" : launched.error().message);
    if (!launched) throw std::runtime_error("launch failed");
    shims_.push_back(std::move(*launched));
    return shims_.back();
  }
  void expect_shim_exits(LaunchedShim& shim, int limit_ms = 8000) {
    ASSERT_TRUE(wait_for_exit(shim.shim_pidfd.get(), limit_ms)) << "the shim is still running";
  }
  nlohmann::json exit_record() { return nlohmann::json::parse(read_text(run_dir_ + "/exit.json")); }
  // The json-file log as (stream, log) pairs, checking every line's form.
  std::vector<std::pair<std::string, std::string>> log_entries(const std::string& path) {
    std::vector<std::pair<std::string, std::string>> entries;
    std::istringstream lines(read_text(path));
    std::string line;
    std::regex time(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?Z)");
    while (std::getline(lines, line)) {
      auto entry = nlohmann::json::parse(line);
      EXPECT_EQ(entry.size(), 3u) << line;
      EXPECT_TRUE(std::regex_match(entry["time"].get<std::string>(), time)) << line;
      entries.emplace_back(entry["stream"], entry["log"]);
    }
    return entries;
  }
  std::vector<std::string> calls() {
    std::vector<std::string> lines;
    std::istringstream in(read_text(calls_));
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
  }

  std::string dir_, run_dir_, fake_berth_, calls_;
  std::vector<LaunchedShim> shims_;
  std::vector<UniqueFd> strays_;
};

TEST_F(ShimEndToEnd, LogsOutputAndRecordsExitCode) {
  LaunchedShim& shim = launch({.script = "printf 'hello\\nworld'; printf 'err<&>\\n' >&2; exit 3"});
  EXPECT_EQ(shim.ready, "ok\n");
  expect_shim_exits(shim);
  auto record = exit_record();
  EXPECT_EQ(record["exit_code"], 3);
  EXPECT_EQ(record["signal"], 0);
  EXPECT_EQ(record["oom_killed"], false);
  EXPECT_EQ(record["restarting"], false);
  EXPECT_TRUE(std::regex_match(record["exited_at"].get<std::string>(),
                               std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?Z)")));
  auto entries = log_entries(run_dir_ + "/ctr.log");
  std::vector<std::string> out, err;
  for (auto& [stream, log] : entries) (stream == "stdout" ? out : err).push_back(log);
  EXPECT_EQ(out, (std::vector<std::string>{"hello\n", "world"}));  // the partial line is flushed at EOF
  EXPECT_EQ(err, std::vector<std::string>{"err<&>\n"});
  EXPECT_NE(read_text(run_dir_ + "/ctr.log").find(R"("err\u003c\u0026\u003e\n")"), std::string::npos);
  EXPECT_FALSE(exists(run_dir_ + "/attach.sock"));
}

TEST_F(ShimEndToEnd, KilledInitRecords128PlusSignal) {
  LaunchedShim& shim = launch({.script = "kill -KILL $$"});
  ASSERT_EQ(shim.ready, "ok\n");
  expect_shim_exits(shim);
  auto record = exit_record();
  EXPECT_EQ(record["exit_code"], 137);
  EXPECT_EQ(record["signal"], 9);
  EXPECT_EQ(record["oom_killed"], false);
}

TEST_F(ShimEndToEnd, OomKillCounterMarksTheExit) {
  // A stand-in for the cgroup's memory.events, inside the test's directory.
  std::string events = dir_ + "/memory.events";
  std::ofstream(events) << "low 0\nhigh 0\nmax 3\noom 1\noom_kill 1\n";
  LaunchedShim& shim = launch({.script = "kill -KILL $$", .extra_config = "oom_events=" + events + "\n"});
  ASSERT_EQ(shim.ready, "ok\n");
  expect_shim_exits(shim);
  EXPECT_EQ(exit_record()["oom_killed"], true);
  EXPECT_EQ(exit_record()["exit_code"], 137);
}

TEST_F(ShimEndToEnd, OutlivesTheProcessesThatStartedIt) {
  LaunchedShim& shim = launch({.script = "sleep 1.5; echo late"});
  ASSERT_EQ(shim.ready, "ok\n");
  // The "berth run" stand-in is gone (the launcher reaped it); the shim is not.
  EXPECT_NE(::kill(shim.launcher_parent_pid, 0), 0);
  EXPECT_FALSE(wait_for_exit(shim.shim_pidfd.get(), 0));
  std::string status = read_text("/proc/" + std::to_string(shim.shim_pid) + "/status");
  EXPECT_EQ(status.find("\nPPid:\t" + std::to_string(shim.launcher_parent_pid) + "\n"), std::string::npos);
  // Signals meant for a session or a terminal do not stop it either.
  for (int signal_number : {SIGTERM, SIGINT, SIGHUP, SIGPIPE, SIGTTIN, SIGTTOU})
    ASSERT_EQ(::syscall(SYS_pidfd_send_signal, shim.shim_pidfd.get(), signal_number, nullptr, 0), 0);
  EXPECT_FALSE(wait_for_exit(shim.shim_pidfd.get(), 100)) << "a signal stopped the shim";
  expect_shim_exits(shim);
  auto entries = log_entries(run_dir_ + "/ctr.log");
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].second, "late\n");
  EXPECT_EQ(exit_record()["exit_code"], 0);
}

TEST_F(ShimEndToEnd, AttachedClientSendsStdinAndGetsOutputAndExit) {
  LaunchedShim& shim = launch({.script = "cat; echo done; echo bye >&2", .stdin_open = true});
  ASSERT_EQ(shim.ready, "ok\n");
  AttachClient client = AttachClient::connect(run_dir_ + "/attach.sock", "stdin stdout stderr");
  AttachClient stderr_only = AttachClient::connect(run_dir_ + "/attach.sock", "stderr");
  // Each hello is acknowledged before any output is sent to that client.
  ASSERT_TRUE(client.wait_attached());
  ASSERT_TRUE(stderr_only.wait_attached());
  client.send(frame_kind::stdin_data, "ping\n");
  ASSERT_TRUE(client.read_until([&] { return client.out == "ping\n"; })) << client.out;
  client.send(frame_kind::stdin_eof, "");
  ASSERT_TRUE(client.wait_exit());
  EXPECT_EQ(*client.exit_code, 0);
  EXPECT_EQ(client.out, "ping\ndone\n");
  EXPECT_EQ(client.err, "bye\n");
  EXPECT_TRUE(client.wait_closed());
  ASSERT_TRUE(stderr_only.wait_exit());
  EXPECT_EQ(stderr_only.out, "");
  EXPECT_EQ(stderr_only.err, "bye\n");
  expect_shim_exits(shim);
  EXPECT_EQ(log_entries(run_dir_ + "/ctr.log").size(), 3u);
}

// The engine's attach client at launch: the container may start (and
// write) before the shim is up; the client still gets all of its output.
TEST_F(ShimEndToEnd, ClientHandedOverAtLaunchGetsOutputFromTheStart) {
  int ends[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, ends), 0);
  UniqueFd ours(ends[0]), shims(ends[1]);
  AttachClient client = AttachClient::adopt(std::move(ours), "stdin stdout stderr");
  LaunchedShim& shim = launch({.script = "echo first; cat; echo bye >&2",
                               .stdin_open = true,
                               .extra_config = "attach_client=1\n",
                               .attach_client_fd = shims.get()});
  shims.reset();
  ASSERT_EQ(shim.ready, "ok\n");
  ASSERT_TRUE(client.wait_attached());
  client.send(frame_kind::stdin_data, "ping\n");
  client.send(frame_kind::stdin_eof, "");
  ASSERT_TRUE(client.wait_exit());
  EXPECT_EQ(client.out, "first\nping\n");
  EXPECT_EQ(client.err, "bye\n");
  expect_shim_exits(shim);
}

TEST_F(ShimEndToEnd, ClientHandedOverWithoutHelloFailsTheSetUp) {
  int ends[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, ends), 0);
  UniqueFd ours(ends[0]), shims(ends[1]);
  std::string frame;
  append_frame(frame, frame_kind::stdin_data, "not a hello");
  ASSERT_EQ(::send(ours.get(), frame.data(), frame.size(), 0), static_cast<ssize_t>(frame.size()));
  LaunchedShim& shim = launch({.extra_config = "attach_client=1\n", .attach_client_fd = shims.get()});
  EXPECT_EQ(shim.ready, "error: attach client: first frame is kind 1, not hello\n");
  // And the config's promise without an fd is refused, not served from another fd.
  LaunchedShim& missing = launch({.extra_config = "attach_client=1\n"});
  EXPECT_EQ(missing.ready, "error: fd 9 (attach client) is not a socket\n");
}

TEST_F(ShimEndToEnd, StdinOnceClosesStdinWhenTheClientDetaches) {
  LaunchedShim& shim = launch({.script = "cat; echo closed", .stdin_open = true, .extra_config = "stdin_once=1\n"});
  ASSERT_EQ(shim.ready, "ok\n");
  {
    AttachClient client = AttachClient::connect(run_dir_ + "/attach.sock", "stdin stdout");
    client.send(frame_kind::stdin_data, "x\n");
    ASSERT_TRUE(client.read_until([&] { return client.out == "x\n"; }));
  }  // the client goes away without a stdin-EOF frame
  expect_shim_exits(shim);
  auto entries = log_entries(run_dir_ + "/ctr.log");
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[1].second, "closed\n");
}

TEST_F(ShimEndToEnd, WithoutStdinOnceADetachLeavesStdinOpen) {
  LaunchedShim& shim = launch({.script = "cat", .stdin_open = true});
  ASSERT_EQ(shim.ready, "ok\n");
  {
    AttachClient client = AttachClient::connect(run_dir_ + "/attach.sock", "stdin stdout");
    client.send(frame_kind::stdin_data, "x\n");
    ASSERT_TRUE(client.read_until([&] { return client.out == "x\n"; }));
  }
  EXPECT_FALSE(wait_for_exit(shim.shim_pidfd.get(), 500)) << "cat saw EOF on a detach";
  AttachClient again = AttachClient::connect(run_dir_ + "/attach.sock", "stdin");
  again.send(frame_kind::stdin_eof, "");
  ASSERT_TRUE(again.wait_exit());
  expect_shim_exits(shim);
}

TEST_F(ShimEndToEnd, TerminalOutputIsStdoutAndResizeReachesThePty) {
  LaunchedShim& shim = launch(
      {.script = "read line; stty size; echo \"got $line\"; echo to-stderr >&2", .terminal = true, .stdin_open = true});
  ASSERT_EQ(shim.ready, "ok\n");
  AttachClient client = AttachClient::connect(run_dir_ + "/attach.sock", "stdin stdout stderr");
  client.send(frame_kind::resize, "40 100");
  client.send(frame_kind::stdin_data, "go\n");
  ASSERT_TRUE(client.wait_exit()) << client.out;
  EXPECT_NE(client.out.find("40 100\r\n"), std::string::npos) << client.out;
  EXPECT_NE(client.out.find("got go\r\n"), std::string::npos) << client.out;
  EXPECT_NE(client.out.find("to-stderr"), std::string::npos) << client.out;
  EXPECT_EQ(client.err, "");
  expect_shim_exits(shim);
  for (auto& [stream, log] : log_entries(run_dir_ + "/ctr.log")) EXPECT_EQ(stream, "stdout") << log;
}

TEST_F(ShimEndToEnd, ReapsOrphanedGrandchildren) {
  std::string pid_file = run_dir_ + "/orphan.pid";
  LaunchedShim& shim = launch({.script = "sh -c 'sleep 0.4 >/dev/null 2>&1 & echo $! > " + pid_file + "'; sleep 1.5"});
  ASSERT_EQ(shim.ready, "ok\n");
  ASSERT_TRUE(eventually([&] { return read_text(pid_file).ends_with("\n"); }));
  pid_t orphan = std::stoi(read_text(pid_file));
  strays_.emplace_back(static_cast<int>(::syscall(SYS_pidfd_open, orphan, 0)));
  std::string proc = "/proc/" + std::to_string(orphan) + "/status";
  // Its parent exits (the pid file may be written a moment before): it
  // then belongs to the shim, the subreaper...
  std::string shim_parent = "\nPPid:\t" + std::to_string(shim.shim_pid) + "\n";
  EXPECT_TRUE(eventually([&] { return read_text(proc).find(shim_parent) != std::string::npos; }, 300ms))
      << read_text(proc);
  // ...which reaps it when it ends (a zombie would keep its /proc entry).
  EXPECT_TRUE(eventually([&] { return !exists(proc); }, 1000ms)) << read_text(proc);
  EXPECT_FALSE(wait_for_exit(shim.shim_pidfd.get(), 0)) << "the container should still be running";
  expect_shim_exits(shim);
}

TEST_F(ShimEndToEnd, RestartsOnFailureAfterTheBackoff) {
  auto start = std::chrono::steady_clock::now();
  LaunchedShim& shim = launch({.script = "exit 2",
                               .extra_config = "restart=on-failure\nrestart_max=3\nrestart_count=1\n"
                                               "restart_delay_ms=800\nberth=" +
                                               fake_berth_ + "\nberth_arg=--root\nberth_arg=/x\n"});
  ASSERT_EQ(shim.ready, "ok\n");
  ASSERT_TRUE(eventually([&] { return exists(run_dir_ + "/exit.json"); }));
  EXPECT_EQ(exit_record()["restarting"], true);
  EXPECT_EQ(exit_record()["exit_code"], 2);
  // During the back-off the socket still answers, with the exit at once.
  AttachClient late = AttachClient::connect(run_dir_ + "/attach.sock", "stdout");
  ASSERT_TRUE(late.wait_exit());
  EXPECT_EQ(*late.exit_code, 2);
  EXPECT_FALSE(exists(calls_)) << "restarted before the back-off";
  expect_shim_exits(shim);
  EXPECT_GE(std::chrono::steady_clock::now() - start, 800ms);
  ASSERT_TRUE(eventually([&] { return read_text(calls_).ends_with("\n"); }));
  EXPECT_EQ(calls(), std::vector<std::string>{"--root /x start --policy-restart --restart-delay-ms 1600 test-ctr"});
}

TEST_F(ShimEndToEnd, NoRestartOnSuccessUnderOnFailure) {
  LaunchedShim& shim = launch({.script = "exit 0", .extra_config = "restart=on-failure\nberth=" + fake_berth_ + "\n"});
  ASSERT_EQ(shim.ready, "ok\n");
  expect_shim_exits(shim);
  EXPECT_EQ(exit_record()["restarting"], false);
  std::this_thread::sleep_for(300ms);
  EXPECT_FALSE(exists(calls_));
}

TEST_F(ShimEndToEnd, NoRestartWhenStopWasRequested) {
  LaunchedShim& shim = launch({.script = "touch " + run_dir_ + "/stop-requested; exit 1",
                               .extra_config = "restart=always\nberth=" + fake_berth_ + "\n"});
  ASSERT_EQ(shim.ready, "ok\n");
  expect_shim_exits(shim);
  EXPECT_EQ(exit_record()["restarting"], false);
  std::this_thread::sleep_for(300ms);
  EXPECT_FALSE(exists(calls_));
}

TEST_F(ShimEndToEnd, StopRequestDuringBackoffCancelsTheRestart) {
  LaunchedShim& shim = launch(
      {.script = "exit 1", .extra_config = "restart=always\nrestart_delay_ms=3000\nberth=" + fake_berth_ + "\n"});
  ASSERT_EQ(shim.ready, "ok\n");
  ASSERT_TRUE(eventually([&] { return exists(run_dir_ + "/exit.json"); }));
  EXPECT_EQ(exit_record()["restarting"], true);
  std::ofstream(run_dir_ + "/stop-requested") << "";
  expect_shim_exits(shim, 1500);  // well before the 3 s back-off ends
  EXPECT_EQ(exit_record()["restarting"], false);
  std::this_thread::sleep_for(300ms);
  EXPECT_FALSE(exists(calls_));
}

TEST_F(ShimEndToEnd, HealthProbesRunWhileTheContainerRuns) {
  LaunchedShim& shim =
      launch({.script = "sleep 1", .extra_config = "health_interval_ms=100\nberth=" + fake_berth_ + "\n"});
  ASSERT_EQ(shim.ready, "ok\n");
  ASSERT_TRUE(eventually([&] { return calls().size() >= 2; }, 900ms));
  expect_shim_exits(shim);
  std::this_thread::sleep_for(300ms);
  auto probes = calls();
  EXPECT_GE(probes.size(), 4u);
  EXPECT_LE(probes.size(), 11u);  // one at a time, 100 ms after the previous ended
  for (const std::string& call : probes) EXPECT_EQ(call, "container health-probe test-ctr");
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(calls().size(), probes.size()) << "probing went on after the exit";
}

TEST_F(ShimEndToEnd, MalformedConfigIsReportedOnTheReadyFd) {
  LaunchedShim& shim = launch({.script = "sleep 5", .raw_config = "id=x\npid={pid}\ngarbage\n"});
  EXPECT_EQ(shim.ready, "error: shim.conf line 3: expected key=value, got \"garbage\"\n");
  expect_shim_exits(shim, 2000);
  EXPECT_FALSE(exists(run_dir_ + "/attach.sock"));
}

TEST_F(ShimEndToEnd, SlowClientIsDroppedAndNeverBlocksTheContainer) {
  LaunchedShim& shim = launch({.script = "head -c 4194304 /dev/zero | tr '\\0' a; echo"});
  ASSERT_EQ(shim.ready, "ok\n");
  auto fd = connect_unix(run_dir_ + "/attach.sock");
  ASSERT_TRUE(fd);
  std::string hello;
  append_frame(hello, frame_kind::hello, "stdout");
  ASSERT_EQ(::send(fd->get(), hello.data(), hello.size(), 0), static_cast<ssize_t>(hello.size()));
  // This client reads nothing; the container must still finish and be logged.
  expect_shim_exits(shim);
  size_t logged = 0;
  for (auto& [stream, log] : log_entries(run_dir_ + "/ctr.log")) logged += log.size();
  EXPECT_EQ(logged, 4194304u + 1);
  EXPECT_EQ(exit_record()["exit_code"], 0);
}

TEST_F(ShimEndToEnd, HostileFramesDropOnlyThatClient) {
  LaunchedShim& shim = launch({.script = "cat", .stdin_open = true});
  ASSERT_EQ(shim.ready, "ok\n");
  auto hostile = connect_unix(run_dir_ + "/attach.sock");
  ASSERT_TRUE(hostile);
  std::string frames;
  append_frame(frames, frame_kind::hello, "stdin stdout");
  frames += std::string("\x01\x00\x00\x00\x7f\xff\xff\xff", 8);  // claims a 2 GiB payload
  ASSERT_EQ(::send(hostile->get(), frames.data(), frames.size(), 0), static_cast<ssize_t>(frames.size()));
  // Its hello is acknowledged (8 bytes), then the bad header ends it.
  char byte;
  char ack[frame_header_size];
  pollfd entry{hostile->get(), POLLIN, 0};
  ASSERT_EQ(::poll(&entry, 1, 3000), 1);
  EXPECT_EQ(::recv(hostile->get(), ack, sizeof ack, MSG_WAITALL), static_cast<ssize_t>(sizeof ack));
  EXPECT_EQ(ack[0], static_cast<char>(frame_kind::attached));
  ASSERT_EQ(::poll(&entry, 1, 3000), 1);
  EXPECT_EQ(::recv(hostile->get(), &byte, 1, 0), 0) << "the hostile client should be disconnected";
  // A client whose first frame is not a hello is dropped too.
  auto rude = connect_unix(run_dir_ + "/attach.sock");
  ASSERT_TRUE(rude);
  std::string data;
  append_frame(data, frame_kind::stdin_data, "no hello\n");
  ASSERT_EQ(::send(rude->get(), data.data(), data.size(), 0), static_cast<ssize_t>(data.size()));
  pollfd rude_entry{rude->get(), POLLIN, 0};
  ASSERT_EQ(::poll(&rude_entry, 1, 3000), 1);
  EXPECT_EQ(::recv(rude->get(), &byte, 1, 0), 0) << "a client without hello should be disconnected";
  // The shim and the container carry on for well-behaved clients.
  AttachClient client = AttachClient::connect(run_dir_ + "/attach.sock", "stdin stdout");
  client.send(0x7e, "unknown kinds are skipped");
  client.send(frame_kind::stdin_data, "still here\n");
  ASSERT_TRUE(client.read_until([&] { return client.out == "still here\n"; })) << client.out;
  client.send(frame_kind::stdin_eof, "");
  ASSERT_TRUE(client.wait_exit());
  expect_shim_exits(shim);
  // Nothing the dropped clients sent reached the container.
  auto entries = log_entries(run_dir_ + "/ctr.log");
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].second, "still here\n");
}

TEST_F(ShimEndToEnd, InitThatIsNotAChildIsRecordedAsUnknown) {
  pid_t other = ::fork();
  ASSERT_GE(other, 0);
  if (other == 0) {
    ::execl("/bin/sleep", "sleep", "0.5", static_cast<char*>(nullptr));
    ::_exit(127);
  }
  strays_.emplace_back(static_cast<int>(::syscall(SYS_pidfd_open, other, 0)));
  LaunchedShim& shim = launch({.script = "true", .pid_override = other});
  ASSERT_EQ(shim.ready, "ok\n");
  int status = 0;
  ::waitpid(other, &status, 0);  // ours to reap, not the shim's
  expect_shim_exits(shim);
  auto record = exit_record();
  EXPECT_EQ(record["exit_code"], 255);
  EXPECT_NE(record["error"].get<std::string>().find("not a child of the shim"), std::string::npos) << record;
}

}  // namespace
}  // namespace berth::shim
