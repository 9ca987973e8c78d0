#include "registry/content_range.h"

#include <gtest/gtest.h>

namespace berth {
namespace {

TEST(ContentRange, Forms) {
  auto full = parse_content_range("bytes 100-199/1000");
  ASSERT_TRUE(full);
  EXPECT_EQ(full->first, 100u);
  EXPECT_EQ(full->last, 199u);
  EXPECT_EQ(full->size, 1000u);
  auto unknown_size = parse_content_range("bytes 0-9/*");
  ASSERT_TRUE(unknown_size);
  EXPECT_FALSE(unknown_size->size);
  auto unsatisfied = parse_content_range("bytes */42");
  ASSERT_TRUE(unsatisfied);
  EXPECT_FALSE(unsatisfied->first);
  EXPECT_EQ(unsatisfied->size, 42u);
}

TEST(ContentRange, RejectsNonsense) {
  for (auto text : {"", "bytes", "items 0-1/2", "bytes 5-4/10", "bytes 0-10/10", "bytes */*", "bytes a-b/c",
                    "bytes 0-1", "bytes -1-2/3"}) {
    EXPECT_FALSE(parse_content_range(text)) << text;
  }
}

}  // namespace
}  // namespace berth
