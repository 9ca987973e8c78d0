#include "base/go_duration.h"

#include <gtest/gtest.h>

namespace berth {
namespace {

TEST(GoDurationText, PrintsAsGoDoes) {
  EXPECT_EQ(go_duration_text(0), "0s");
  EXPECT_EQ(go_duration_text(999), "999ns");
  EXPECT_EQ(go_duration_text(1'500), "1.5µs");
  EXPECT_EQ(go_duration_text(500'000'000), "500ms");
  EXPECT_EQ(go_duration_text(1'250'000), "1.25ms");
  EXPECT_EQ(go_duration_text(1'000'000'000), "1s");
  EXPECT_EQ(go_duration_text(1'500'000'000), "1.5s");
  EXPECT_EQ(go_duration_text(90'000'000'000), "1m30s");
  EXPECT_EQ(go_duration_text(3'600'000'000'000), "1h0m0s");
  EXPECT_EQ(go_duration_text(7'203'000'000'000), "2h0m3s");
  EXPECT_EQ(go_duration_text(-2'000'000'000), "-2s");
}

}  // namespace
}  // namespace berth
