// Tests for run_hooks: real hook processes, real pipes, real timeouts.
#include "runtime/hooks.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace berth::runtime {
namespace {

class HooksTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/berth-hooks-test.XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string path(const std::string& name) const { return dir_ + "/" + name; }

  std::string script(const std::string& name, const std::string& body) const {
    std::string file = path(name);
    std::ofstream(file) << "#!/bin/sh\n" << body << "\n";
    chmod(file.c_str(), 0755);
    return file;
  }

  static std::string read(const std::string& file) {
    std::ifstream in(file);
    std::stringstream out;
    out << in.rdbuf();
    return out.str();
  }

  std::string dir_;
};

const std::string kState = R"({"ociVersion":"1.2.0","id":"c1","status":"creating","pid":42,"bundle":"/b"})";

TEST_F(HooksTest, NoHooksIsFine) { EXPECT_TRUE(run_hooks({}, "prestart", kState)); }

TEST_F(HooksTest, StateJsonArrivesOnStdin) {
  std::string hook = script("hook", "cat > \"$1\"");
  ASSERT_TRUE(run_hooks({{hook, {hook, path("state.json")}, {}, {}}}, "prestart", kState));
  EXPECT_EQ(read(path("state.json")), kState);
}

TEST_F(HooksTest, ArgsAndEnvArePassedExactly) {
  // argv[0] is args[0], and the environment is only what the hook lists.
  std::string out = path("out");
  oci::Hook hook{
      "/bin/sh",
      {"custom-argv0", "-c", "tr '\\0' ' ' </proc/$$/cmdline >\"$0\"; echo \"[$GREETING][$HOME]\" >>\"$0\"", out},
      {"GREETING=hello world"},
      {}};
  auto ran = run_hooks({hook}, "createRuntime", kState);
  ASSERT_TRUE(ran) << ran.error().message;
  std::string text = read(out);
  EXPECT_EQ(text.rfind("custom-argv0 -c ", 0), 0u) << text;
  EXPECT_NE(text.find("[hello world][]"), std::string::npos) << text;
}

TEST_F(HooksTest, EmptyArgsMeansArgvIsThePath) {
  std::string hook = script("hook", "echo \"$0 $#\" > " + path("argv"));
  ASSERT_TRUE(run_hooks({{hook, {}, {}, {}}}, "poststart", kState));
  EXPECT_EQ(read(path("argv")), hook + " 0\n");
}

TEST_F(HooksTest, NonZeroExitNamesStagePathStatusAndOutput) {
  std::string hook = script("failing", "echo 'no network for you' >&2; exit 3");
  auto ran = run_hooks({{hook, {}, {}, {}}}, "prestart", kState);
  ASSERT_FALSE(ran);
  EXPECT_EQ(ran.error().message, "prestart hook " + hook + ": exited with status 3: output: no network for you");
}

TEST_F(HooksTest, KilledBySignalIsReported) {
  std::string hook = script("signalled", "kill -TERM $$");
  auto ran = run_hooks({{hook, {}, {}, {}}}, "poststop", kState);
  ASSERT_FALSE(ran);
  EXPECT_NE(ran.error().message.find("killed by signal 15 (TERM)"), std::string::npos) << ran.error().message;
}

TEST_F(HooksTest, StopsAtFirstFailure) {
  std::string failing = script("failing", "exit 1");
  std::string marker = script("marker", "touch " + path("ran"));
  EXPECT_FALSE(run_hooks({{failing, {}, {}, {}}, {marker, {}, {}, {}}}, "prestart", kState));
  EXPECT_FALSE(std::filesystem::exists(path("ran")));
}

TEST_F(HooksTest, RunInOrder) {
  std::string first = script("first", "echo first >> " + path("order"));
  std::string second = script("second", "echo second >> " + path("order"));
  ASSERT_TRUE(run_hooks({{first, {}, {}, {}}, {second, {}, {}, {}}}, "createContainer", kState));
  EXPECT_EQ(read(path("order")), "first\nsecond\n");
}

TEST_F(HooksTest, TimeoutKillsTheHook) {
  std::string pid_file = path("pid");
  oci::Hook hook{"/bin/sh", {"sh", "-c", "echo $$ > " + pid_file + "; exec sleep 10"}, {}, 1};
  auto start = std::chrono::steady_clock::now();
  auto ran = run_hooks({hook}, "prestart", kState);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ASSERT_FALSE(ran);
  EXPECT_EQ(ran.error().message, "prestart hook /bin/sh: timed out after 1 seconds");
  EXPECT_GE(seconds, 0.9);
  EXPECT_LT(seconds, 3.0);
  pid_t pid = std::stoi(read(pid_file));
  EXPECT_EQ(kill(pid, 0), -1);
  EXPECT_EQ(errno, ESRCH) << "the sleeper " << pid << " is still there";
}

TEST_F(HooksTest, HookThatClosesStdinDoesNotKillUs) {
  // A large state and a hook that closes stdin at once: our writes get EPIPE.
  std::string big(1 << 20, 'x');
  std::string hook = script("closer", "exec 0<&-; sleep 0.2");
  auto ran = run_hooks({{hook, {}, {}, {}}}, "prestart", big);
  EXPECT_TRUE(ran) << ran.error().message;
  sigset_t pending;
  sigpending(&pending);
  EXPECT_EQ(sigismember(&pending, SIGPIPE), 0) << "a SIGPIPE was left pending";
}

TEST_F(HooksTest, HookDoesNotInheritStrayFds) {
  int stray = open("/dev/null", O_RDONLY);  // deliberately without O_CLOEXEC
  ASSERT_GE(stray, 0);
  std::string hook = script("fds", "exec ls /proc/self/fd > " + path("fds"));
  auto ran = run_hooks({{hook, {}, {}, {}}}, "prestart", kState);
  close(stray);
  ASSERT_TRUE(ran) << ran.error().message;
  // 0-2 and the directory ls itself opened.
  EXPECT_EQ(read(path("fds")), "0\n1\n2\n3\n");
}

TEST_F(HooksTest, MissingExecutableIsAnError) {
  auto ran = run_hooks({{path("absent"), {}, {}, {}}}, "startContainer", kState);
  ASSERT_FALSE(ran);
  EXPECT_EQ(ran.error().message, "startContainer hook " + path("absent") + ": exec: No such file or directory");
}

TEST_F(HooksTest, BackgroundChildHoldingOutputDoesNotBlock) {
  std::string hook = script("daemonizer", "sleep 3 & exit 0");
  auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(run_hooks({{hook, {}, {}, {}}}, "poststart", kState));
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(), 2.0);
}

}  // namespace
}  // namespace berth::runtime
