#include "shim/exit_record.h"

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace berth::shim {
namespace {

TEST(ExitRecord, FromWaitStatus) {
  timespec when{1795417200, 0};
  ExitRecord exited = exit_record_from_status(3 << 8, when);  // exit(3)
  EXPECT_EQ(exited.exit_code, 3);
  EXPECT_EQ(exited.signal, 0);
  ExitRecord killed = exit_record_from_status(SIGKILL, when);  // killed by signal 9
  EXPECT_EQ(killed.exit_code, 137);
  EXPECT_EQ(killed.signal, 9);
}

TEST(ExitRecord, Json) {
  ExitRecord record;
  record.exit_code = 137;
  record.signal = 9;
  record.exited_at = timespec{1795417200, 123456789};
  record.oom_killed = true;
  record.restarting = true;
  EXPECT_EQ(format_exit_record(record),
            "{\"exit_code\":137,\"exited_at\":\"2026-11-23T07:00:00.123456789Z\",\"signal\":9,"
            "\"oom_killed\":true,\"restarting\":true}\n");
  record.error = "pid \"7\" <gone>";
  EXPECT_NE(format_exit_record(record).find(",\"error\":\"pid \\\"7\\\" \\u003cgone\\u003e\"}"), std::string::npos);
}

TEST(ExitRecord, WritesAtomicallyAndLeavesNoTemporary) {
  char pattern[] = "/tmp/berth-shim-exit-test.XXXXXX";
  ASSERT_NE(::mkdtemp(pattern), nullptr);
  std::string dir = pattern;
  ExitRecord record;
  record.exit_code = 2;
  ASSERT_TRUE(write_exit_record(dir + "/exit.json", record));
  std::ifstream in(dir + "/exit.json");
  std::stringstream content;
  content << in.rdbuf();
  EXPECT_EQ(content.str(), format_exit_record(record));
  size_t entries = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(dir)) ++entries;
  EXPECT_EQ(entries, 1u);
  auto failed = write_exit_record(dir + "/missing/exit.json", record);
  ASSERT_FALSE(failed);
  EXPECT_NE(failed.error().message.find(dir + "/missing/exit.json.tmp-"), std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST(ExitRecord, OomKillCount) {
  EXPECT_EQ(parse_oom_kill_count("low 0\nhigh 0\nmax 2\noom 1\noom_kill 1\noom_group_kill 0\n"), 1u);
  EXPECT_EQ(parse_oom_kill_count("oom_kill_disable 0\nunder_oom 0\noom_kill 0\n"), 0u);  // cgroup v1
  EXPECT_EQ(parse_oom_kill_count("oom 0\n"), std::nullopt);
  EXPECT_EQ(parse_oom_kill_count("oom_kill x\n"), std::nullopt);
  EXPECT_EQ(parse_oom_kill_count(""), std::nullopt);
}

}  // namespace
}  // namespace berth::shim
