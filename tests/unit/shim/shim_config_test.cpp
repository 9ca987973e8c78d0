#include "shim/shim_config.h"

#include <gtest/gtest.h>

namespace berth::shim {
namespace {

constexpr char minimal[] = "id=abc\npid=42\nlog_driver=none\n";

TEST(ShimConfig, ParsesEveryKey) {
  auto config = parse_shim_config(
      "id=abc\npid=42\nterminal=1\nstdin=1\nstdin_once=1\nlog_driver=json-file\nlog_path=/l/c.log\n"
      "log_max_size=1000\nlog_max_file=3\nrestart=on-failure\nrestart_max=5\nrestart_count=2\n"
      "restart_delay_ms=400\nhealth_interval_ms=100\nhealth_start_ms=7\nberth=/usr/bin/berth\n"
      "berth_arg=--root\nberth_arg=/x=y\noom_events=/sys/fs/cgroup/c/memory.events\n");
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_EQ(config->id, "abc");
  EXPECT_EQ(config->pid, 42);
  EXPECT_TRUE(config->terminal);
  EXPECT_TRUE(config->stdin_open);
  EXPECT_TRUE(config->stdin_once);
  EXPECT_EQ(config->log_driver, LogDriver::json_file);
  EXPECT_EQ(config->log_path, "/l/c.log");
  EXPECT_EQ(config->log_max_size, 1000u);
  EXPECT_EQ(config->log_max_file, 3u);
  EXPECT_EQ(config->restart, RestartPolicy::on_failure);
  EXPECT_EQ(config->restart_max, 5u);
  EXPECT_EQ(config->restart_count, 2u);
  EXPECT_EQ(config->restart_delay_ms, 400u);
  EXPECT_EQ(config->health_interval_ms, 100u);
  EXPECT_EQ(config->health_start_ms, 7u);
  EXPECT_EQ(config->berth, "/usr/bin/berth");
  EXPECT_EQ(config->berth_args, (std::vector<std::string>{"--root", "/x=y"}));
  EXPECT_EQ(config->oom_events, "/sys/fs/cgroup/c/memory.events");
}

TEST(ShimConfig, DefaultsAndUnknownKeys) {
  auto config = parse_shim_config(
      "id=abc\npid=42\nlog_driver=none\nsome_future_key=whatever\n\nhealth_interval_ms=250\n"
      "berth=/b");
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_FALSE(config->terminal);
  EXPECT_EQ(config->log_max_file, 1u);
  EXPECT_EQ(config->restart, RestartPolicy::no);
  EXPECT_EQ(config->restart_delay_ms, 100u);
  EXPECT_EQ(config->health_start_ms, 250u);  // defaults to the interval
  for (const char* policy : {"no", "always", "on-failure", "unless-stopped"})
    EXPECT_TRUE(parse_shim_config(std::string(minimal) + "berth=/b\nrestart=" + policy)) << policy;
}

void expect_rejected(const std::string& text, const std::string& message_part) {
  auto config = parse_shim_config(text);
  ASSERT_FALSE(config) << "accepted: " << text;
  EXPECT_NE(config.error().message.find(message_part), std::string::npos) << config.error().message;
}

TEST(ShimConfig, RejectsMalformedLinesNamingThem) {
  expect_rejected("id=abc\npid=42\ngarbage\n", "shim.conf line 3: expected key=value, got \"garbage\"");
  expect_rejected("id=abc\n=value\n", "line 2: expected key=value");
  expect_rejected("id=abc\npid=42\nterminal=yes\n", "shim.conf line 3: terminal: expected 0 or 1, got \"yes\"");
  expect_rejected("id=abc\npid=-1\n", "line 2: pid: expected a non-negative integer");
  expect_rejected("id=abc\npid=0\n", "pid: must be positive");
  expect_rejected("id=abc\npid=42 \n", "pid: expected a non-negative integer, got \"42 \"");
  expect_rejected("id=abc\npid=99999999999999999999\n", "pid: expected a non-negative integer");
  expect_rejected(std::string(minimal) + "log_max_size=1k\n", "log_max_size");
  expect_rejected(std::string(minimal) + "log_max_file=0\n", "log_max_file: must be at least 1");
  expect_rejected(std::string(minimal) + "restart=sometimes\n", "restart: expected no, always");
  expect_rejected("id=abc\npid=42\nlog_driver=syslog\n", "log_driver: expected json-file or none");
  expect_rejected(std::string(minimal) + "berth=relative/berth\n", "berth: expected an absolute path");
  expect_rejected(std::string(minimal) + "restart_delay_ms=\n", "restart_delay_ms: expected a non-negative integer");
  expect_rejected("id=abc\npid=42\npid=43\n", "line 3: duplicate key pid");
  for (const char* path : {"relative/x", "/", "/x", "/a/", "/a/../b", "/a/.."})
    expect_rejected(std::string(minimal) + "leftover_path=" + path + "\n", "leftover_path: expected an absolute path");
}

TEST(ShimConfig, RejectsIncompleteConfigs) {
  expect_rejected("pid=42\nlog_driver=none\n", "shim.conf: missing id");
  expect_rejected("id=abc\nlog_driver=none\n", "shim.conf: missing pid");
  expect_rejected("id=abc\npid=42\n", "log_driver=json-file needs log_path");
  expect_rejected(std::string(minimal) + "restart=always\n", "needs berth=<path>");
  expect_rejected(std::string(minimal) + "health_interval_ms=100\n", "needs berth=<path>");
  expect_rejected(std::string(minimal) + "auto_remove=1\n", "needs berth=<path>");
}

}  // namespace
}  // namespace berth::shim
