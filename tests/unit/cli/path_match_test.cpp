#include "cli/path_match.h"

#include <gtest/gtest.h>

namespace berth::cli {
namespace {

struct MatchCase {
  const char* pattern;
  const char* name;
  bool match;
  bool bad_pattern;
};

// Go's path/match_test.go.
const MatchCase go_cases[] = {
    {"abc", "abc", true, false},
    {"*", "abc", true, false},
    {"*c", "abc", true, false},
    {"a*", "a", true, false},
    {"a*", "abc", true, false},
    {"a*", "ab/c", false, false},
    {"a*/b", "abc/b", true, false},
    {"a*/b", "a/c/b", false, false},
    {"a*b*c*d*e*/f", "axbxcxdxe/f", true, false},
    {"a*b*c*d*e*/f", "axbxcxdxexxx/f", true, false},
    {"a*b*c*d*e*/f", "axbxcxdxe/xxx/f", false, false},
    {"a*b*c*d*e*/f", "axbxcxdxexxx/fff", false, false},
    {"a*b?c*x", "abxbbxdbxebxczzx", true, false},
    {"a*b?c*x", "abxbbxdbxebxczzy", false, false},
    {"ab[c]", "abc", true, false},
    {"ab[b-d]", "abc", true, false},
    {"ab[e-g]", "abc", false, false},
    {"ab[^c]", "abc", false, false},
    {"ab[^b-d]", "abc", false, false},
    {"ab[^e-g]", "abc", true, false},
    {"a\\*b", "a*b", true, false},
    {"a\\*b", "ab", false, false},
    {"a?b", "a☺b", true, false},
    {"a[^a]b", "a☺b", true, false},
    {"a???b", "a☺b", false, false},
    {"a[^a][^a][^a]b", "a☺b", false, false},
    {"[a-ζ]*", "α", true, false},
    {"*[a-ζ]", "A", false, false},
    {"a?b", "a/b", false, false},
    {"a*b", "a/b", false, false},
    {"[\\]a]", "]", true, false},
    {"[\\-]", "-", true, false},
    {"[x\\-]", "x", true, false},
    {"[x\\-]", "-", true, false},
    {"[x\\-]", "z", false, false},
    {"[\\-x]", "x", true, false},
    {"[\\-x]", "-", true, false},
    {"[\\-x]", "a", false, false},
    {"[]a]", "]", false, true},
    {"[-]", "-", false, true},
    {"[x-]", "x", false, true},
    {"[x-]", "-", false, true},
    {"[x-]", "z", false, true},
    {"[-x]", "x", false, true},
    {"[-x]", "-", false, true},
    {"[-x]", "a", false, true},
    {"\\", "a", false, true},
    {"[a-b-c]", "a", false, true},
    {"[", "a", false, true},
    {"[^", "a", false, true},
    {"[^bc", "a", false, true},
    {"a[", "a", false, true},
    {"a[", "ab", false, true},
    {"a[", "x", false, true},
    {"a/b[", "x", false, true},
    {"*x", "xxx", true, false},
};

TEST(PathMatch, GoTestTable) {
  for (const MatchCase& c : go_cases) {
    auto result = path_match(c.pattern, c.name);
    if (c.bad_pattern) {
      ASSERT_FALSE(result) << c.pattern << " ~ " << c.name;
      EXPECT_EQ(result.error().message, "syntax error in pattern");
    } else {
      ASSERT_TRUE(result) << c.pattern << " ~ " << c.name << ": " << result.error().message;
      EXPECT_EQ(*result, c.match) << c.pattern << " ~ " << c.name;
    }
  }
}

TEST(PathMatch, ImageReferencePatterns) {
  EXPECT_TRUE(*path_match("busy*", "busybox:latest"));
  EXPECT_TRUE(*path_match("*:1.*", "alpine:1.2"));
  EXPECT_FALSE(*path_match("*", "foo/bar"));  // '*' stops at '/'
  EXPECT_TRUE(*path_match("*/*", "foo/bar"));
}

}  // namespace
}  // namespace berth::cli
