#include "cli/human_units.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>

namespace berth::cli {
namespace {

using namespace std::chrono;

// docker/go-units size_test.go TestHumanSize (precision 4).
TEST(HumanSize, GoUnitsTable) {
  EXPECT_EQ(human_size(1000), "1kB");
  EXPECT_EQ(human_size(1024), "1.024kB");
  EXPECT_EQ(human_size(1000000), "1MB");
  EXPECT_EQ(human_size(1048576), "1.049MB");
  EXPECT_EQ(human_size(2 * 1000 * 1000), "2MB");
  EXPECT_EQ(human_size(3.42 * 1000 * 1000 * 1000), "3.42GB");
  EXPECT_EQ(human_size(5.372 * 1e12), "5.372TB");
  EXPECT_EQ(human_size(2.22 * 1e15), "2.22PB");
  EXPECT_EQ(human_size(10000000000000 * 1e15), "1e+04YB");
  EXPECT_EQ(human_size(0), "0B");
  EXPECT_EQ(human_size(999), "999B");
}

// What docker images prints: HumanSizeWithPrecision(size, 3).
TEST(HumanSize, PrecisionThreeAsDockerImages) {
  EXPECT_EQ(human_size_with_precision(4'260'000, 3), "4.26MB");
  EXPECT_EQ(human_size_with_precision(4'261'000, 3), "4.26MB");
  EXPECT_EQ(human_size_with_precision(1'200, 3), "1.2kB");
  EXPECT_EQ(human_size_with_precision(0, 3), "0B");
  EXPECT_EQ(human_size_with_precision(1023, 3), "1.02kB");
  EXPECT_EQ(human_size_with_precision(77'800'000, 3), "77.8MB");
  EXPECT_EQ(human_size_with_precision(133'000'000, 3), "133MB");
  // Go's %.3g of 999.999 rounds up into an exponent, and so does docker.
  EXPECT_EQ(human_size_with_precision(999'999, 3), "1e+03kB");
}

// docker/go-units duration_test.go TestHumanDuration, every case.
TEST(HumanDuration, GoUnitsTable) {
  const auto day = hours(24), week = 7 * day, month = 30 * day, year = 365 * day;
  EXPECT_EQ(human_duration(milliseconds(450)), "Less than a second");
  EXPECT_EQ(human_duration(seconds(1)), "1 second");
  EXPECT_EQ(human_duration(seconds(45)), "45 seconds");
  EXPECT_EQ(human_duration(seconds(46)), "46 seconds");
  EXPECT_EQ(human_duration(seconds(59)), "59 seconds");
  EXPECT_EQ(human_duration(seconds(60)), "About a minute");
  EXPECT_EQ(human_duration(minutes(1)), "About a minute");
  EXPECT_EQ(human_duration(minutes(3)), "3 minutes");
  EXPECT_EQ(human_duration(minutes(35)), "35 minutes");
  EXPECT_EQ(human_duration(minutes(35) + seconds(40)), "35 minutes");
  EXPECT_EQ(human_duration(minutes(45)), "45 minutes");
  EXPECT_EQ(human_duration(minutes(45) + seconds(40)), "45 minutes");
  EXPECT_EQ(human_duration(minutes(46)), "46 minutes");
  EXPECT_EQ(human_duration(minutes(59)), "59 minutes");
  EXPECT_EQ(human_duration(hours(1)), "About an hour");
  EXPECT_EQ(human_duration(hours(1) + minutes(29)), "About an hour");
  EXPECT_EQ(human_duration(hours(1) + minutes(31)), "2 hours");
  EXPECT_EQ(human_duration(hours(1) + minutes(59)), "2 hours");
  EXPECT_EQ(human_duration(hours(3)), "3 hours");
  EXPECT_EQ(human_duration(hours(3) + minutes(29)), "3 hours");
  EXPECT_EQ(human_duration(hours(3) + minutes(31)), "4 hours");
  EXPECT_EQ(human_duration(hours(3) + minutes(59)), "4 hours");
  EXPECT_EQ(human_duration(hours(3) + minutes(60)), "4 hours");
  EXPECT_EQ(human_duration(hours(24)), "24 hours");
  EXPECT_EQ(human_duration(day + hours(12)), "36 hours");
  EXPECT_EQ(human_duration(2 * day), "2 days");
  EXPECT_EQ(human_duration(7 * day), "7 days");
  EXPECT_EQ(human_duration(13 * day + hours(5)), "13 days");
  EXPECT_EQ(human_duration(2 * week), "2 weeks");
  EXPECT_EQ(human_duration(2 * week + 4 * day), "2 weeks");
  EXPECT_EQ(human_duration(3 * week), "3 weeks");
  EXPECT_EQ(human_duration(4 * week), "4 weeks");
  EXPECT_EQ(human_duration(4 * week + 3 * day), "4 weeks");
  EXPECT_EQ(human_duration(1 * month), "4 weeks");
  EXPECT_EQ(human_duration(1 * month + 2 * week), "6 weeks");
  EXPECT_EQ(human_duration(2 * month), "2 months");
  EXPECT_EQ(human_duration(2 * month + 2 * week), "2 months");
  EXPECT_EQ(human_duration(3 * month), "3 months");
  EXPECT_EQ(human_duration(3 * month + 1 * week), "3 months");
  EXPECT_EQ(human_duration(5 * month + 2 * week), "5 months");
  EXPECT_EQ(human_duration(13 * month), "13 months");
  EXPECT_EQ(human_duration(23 * month), "23 months");
  EXPECT_EQ(human_duration(24 * month), "24 months");
  EXPECT_EQ(human_duration(24 * month + 2 * week), "2 years");
  EXPECT_EQ(human_duration(3 * year + 2 * month), "3 years");
}

TEST(HumanDuration, FutureTimesAreLessThanASecond) {
  EXPECT_EQ(human_duration(seconds(-30)), "Less than a second");
  EXPECT_EQ(created_since(1'000'060, 1'000'000), "Less than a second ago");
}

TEST(HumanDuration, CreatedSinceAddsAgo) {
  EXPECT_EQ(created_since(1'700'000'000 - 2 * 3600, 1'700'000'000), "2 hours ago");
  EXPECT_EQ(created_since(1'700'000'000 - 90, 1'700'000'000), "About a minute ago");
  EXPECT_EQ(created_since(0, 1'700'000'000), "53 years ago");
}

TEST(GoDuration, WholeSeconds) {
  EXPECT_EQ(go_duration_string(0), "0s");
  EXPECT_EQ(go_duration_string(45), "45s");
  EXPECT_EQ(go_duration_string(65), "1m5s");
  EXPECT_EQ(go_duration_string(3600), "1h0m0s");
  EXPECT_EQ(go_duration_string(7203), "2h0m3s");
}

TEST(GoTime, StringsInUtc) {
  ::setenv("TZ", "UTC", 1);
  ::tzset();
  EXPECT_EQ(go_time_string(0), "1970-01-01 00:00:00 +0000 UTC");
  EXPECT_EQ(go_time_string(1'700'000'000), "2023-11-14 22:13:20 +0000 UTC");
  EXPECT_EQ(rfc3339_utc(1'700'000'000), "2023-11-14T22:13:20Z");
}

TEST(TruncateId, AsDockerStringid) {
  EXPECT_EQ(truncate_id("sha256:0123456789abcdef0123"), "0123456789ab");
  EXPECT_EQ(truncate_id("0123456789abcdef"), "0123456789ab");
  EXPECT_EQ(truncate_id("<missing>"), "<missing>");
}

}  // namespace
}  // namespace berth::cli

namespace berth::cli {
namespace {

TEST(BinarySize, AsGoUnitsBytesSize) {
  EXPECT_EQ(binary_size(0), "0B");
  EXPECT_EQ(binary_size(1023), "1023B");
  EXPECT_EQ(binary_size(1024), "1KiB");
  EXPECT_EQ(binary_size(1572864), "1.5MiB");
  EXPECT_EQ(binary_size(16.7e9), "15.55GiB");
}

}  // namespace
}  // namespace berth::cli
