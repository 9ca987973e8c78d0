#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include "cli/runtime/size_value.h"
#include "runtime/container_ops.h"
#include "runtime/container_state.h"

namespace berth {
namespace {

TEST(ParseSize, BinaryUnits) {
  EXPECT_EQ(*cli::parse_size("512"), 512);
  EXPECT_EQ(*cli::parse_size("64m"), 64 << 20);
  EXPECT_EQ(*cli::parse_size("1G"), 1LL << 30);
  EXPECT_EQ(*cli::parse_size("2kb"), 2048);
  EXPECT_EQ(*cli::parse_size("-1"), -1);
  EXPECT_FALSE(cli::parse_size("12zz"));
  EXPECT_FALSE(cli::parse_size("m"));
  EXPECT_FALSE(cli::parse_size("99999999999p"));
}

TEST(ParseSignal, NamesAndNumbers) {
  EXPECT_EQ(*runtime::parse_signal("KILL"), SIGKILL);
  EXPECT_EQ(*runtime::parse_signal("SIGTERM"), SIGTERM);
  EXPECT_EQ(*runtime::parse_signal("hup"), SIGHUP);
  EXPECT_EQ(*runtime::parse_signal("9"), 9);
  EXPECT_EQ(*runtime::parse_signal("RTMIN+1"), SIGRTMIN + 1);
  EXPECT_FALSE(runtime::parse_signal("SIGNOPE"));
  EXPECT_FALSE(runtime::parse_signal("0"));
  EXPECT_FALSE(runtime::parse_signal("999"));
  EXPECT_FALSE(runtime::parse_signal(""));
}

TEST(ContainerId, RuncCharacterSet) {
  EXPECT_TRUE(runtime::validate_container_id("abc-1_2.3+4"));
  EXPECT_FALSE(runtime::validate_container_id(""));
  EXPECT_FALSE(runtime::validate_container_id(".."));
  EXPECT_FALSE(runtime::validate_container_id("a/b"));
  EXPECT_FALSE(runtime::validate_container_id("a b"));
}

TEST(ProcessStartTime, LiveAndGone) {
  EXPECT_NE(runtime::process_start_time(::getpid()), 0u);
  EXPECT_EQ(runtime::process_start_time(0x3ffffff), 0u);
}

}  // namespace
}  // namespace berth
