#include "engine/copy_plan.h"

#include <gtest/gtest.h>

namespace berth {
namespace {

CopyPlan planned(std::string_view source, bool is_dir, std::string_view destination, PathKind kind) {
  auto plan = plan_copy(source, is_dir, destination, kind);
  EXPECT_TRUE(plan) << plan.error().message;
  return plan ? *plan : CopyPlan{};
}

TEST(CopyPlan, FileIntoAnExistingDirectoryKeepsItsName) {
  CopyPlan plan = planned("/etc/hostname", false, "/tmp", PathKind::directory);
  EXPECT_EQ(plan.directory, "/tmp");
  EXPECT_EQ(plan.top_name, "hostname");
}

TEST(CopyPlan, FileOntoAFileOrAMissingNameTakesThatName) {
  CopyPlan onto = planned("a.txt", false, "/srv/b.txt", PathKind::other);
  EXPECT_EQ(onto.directory, "/srv");
  EXPECT_EQ(onto.top_name, "b.txt");
  CopyPlan fresh = planned("a.txt", false, "c.txt", PathKind::missing);
  EXPECT_EQ(fresh.directory, ".");
  EXPECT_EQ(fresh.top_name, "c.txt");
  CopyPlan at_root = planned("a.txt", false, "/c.txt", PathKind::missing);
  EXPECT_EQ(at_root.directory, "/");
}

TEST(CopyPlan, DirectoryIntoADirectoryOrItsContentsWithDot) {
  EXPECT_EQ(planned("/var/log/", true, "/out", PathKind::directory).top_name, "log");
  CopyPlan contents = planned("/var/log/.", true, "/out", PathKind::directory);
  EXPECT_EQ(contents.directory, "/out");
  EXPECT_EQ(contents.top_name, "");
  EXPECT_EQ(planned("/", true, "/out", PathKind::directory).top_name, "");
}

TEST(CopyPlan, DirectoryToAMissingPathBecomesThatDirectory) {
  CopyPlan plan = planned("/var/log", true, "/out/logs/", PathKind::missing);
  EXPECT_EQ(plan.directory, "/out");
  EXPECT_EQ(plan.top_name, "logs");
  // "/." names the contents, but a missing destination is made from the source itself.
  EXPECT_EQ(planned("/var/log/.", true, "/out/logs", PathKind::missing).top_name, "logs");
}

TEST(CopyPlan, RefusesWhatDockerRefuses) {
  auto dir_onto_file = plan_copy("/var/log", true, "/etc/passwd", PathKind::other);
  ASSERT_FALSE(dir_onto_file);
  EXPECT_NE(dir_onto_file.error().message.find("cannot copy directory"), std::string::npos);
  auto file_to_missing_dir = plan_copy("a.txt", false, "/nope/", PathKind::missing);
  ASSERT_FALSE(file_to_missing_dir);
  EXPECT_NE(file_to_missing_dir.error().message.find("no such directory"), std::string::npos);
  EXPECT_FALSE(plan_copy("a.txt", false, "/etc/passwd/", PathKind::other));
  EXPECT_FALSE(plan_copy("a.txt", false, "", PathKind::missing));
}

}  // namespace
}  // namespace berth
