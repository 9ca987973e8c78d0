#include "image/layer_extract_names.h"

#include <gtest/gtest.h>

#include <climits>

#include "image/whiteout.h"

namespace berth {
namespace {

std::string cleaned(std::string_view name) {
  auto result = clean_entry_name(name);
  EXPECT_TRUE(result) << name << ": " << result.error().message;
  return result ? *result : "<error>";
}

std::string rejected(std::string_view name) {
  auto result = clean_entry_name(name);
  EXPECT_FALSE(result) << name << " was accepted as " << (result ? *result : "");
  return result ? "" : result.error().message;
}

TEST(CleanEntryName, CleansLexically) {
  EXPECT_EQ(cleaned("usr/bin/ls"), "usr/bin/ls");
  EXPECT_EQ(cleaned("./usr//bin/./ls"), "usr/bin/ls");
  EXPECT_EQ(cleaned("usr/bin/"), "usr/bin");
  EXPECT_EQ(cleaned("usr/share/../bin"), "usr/bin");
  EXPECT_EQ(cleaned("./"), "");
  EXPECT_EQ(cleaned("."), "");
  EXPECT_EQ(cleaned("a/.."), "");
}

TEST(CleanEntryName, AbsoluteNamesAreRelativeToTheLayerRoot) {
  EXPECT_EQ(cleaned("/etc/passwd"), "etc/passwd");
  EXPECT_EQ(cleaned("///etc"), "etc");
}

TEST(CleanEntryName, DotDotAboveTheRootIsRejected) {
  EXPECT_EQ(rejected("../etc/passwd"), "path escapes the layer root");
  EXPECT_EQ(rejected("a/../../etc/passwd"), "path escapes the layer root");
  EXPECT_EQ(rejected("/../etc"), "path escapes the layer root");
  EXPECT_EQ(rejected(".."), "path escapes the layer root");
  EXPECT_EQ(cleaned("a/b/../../c"), "c");  // climbs, but not above the root
}

TEST(CleanEntryName, OverlongNamesAreRejected) {
  std::string component(NAME_MAX + 1, 'n');
  EXPECT_NE(rejected("dir/" + component).find("longer than NAME_MAX"), std::string::npos);
  EXPECT_EQ(cleaned("dir/" + std::string(NAME_MAX, 'n')), "dir/" + std::string(NAME_MAX, 'n'));
  std::string deep;
  while (deep.size() < PATH_MAX) deep += "abcdefgh/";
  EXPECT_NE(rejected(deep).find("longer than PATH_MAX"), std::string::npos);
}

TEST(PathParts, ParentAndBase) {
  EXPECT_EQ(parent_path("a/b/c"), "a/b");
  EXPECT_EQ(parent_path("c"), "");
  EXPECT_EQ(base_name("a/b/c"), "c");
  EXPECT_EQ(base_name("c"), "c");
}

TEST(QuoteEntryName, ShortensHugeNames) {
  EXPECT_EQ(quote_entry_name("a/b"), "\"a/b\"");
  std::string quoted = quote_entry_name(std::string(10000, 'x'));
  EXPECT_LT(quoted.size(), 150u);
  EXPECT_NE(quoted.find("(10000 bytes)"), std::string::npos);
}

TEST(ClassifyWhiteout, Kinds) {
  EXPECT_EQ(classify_whiteout("passwd").kind, WhiteoutKind::none);
  EXPECT_EQ(classify_whiteout(".wh.passwd").kind, WhiteoutKind::file);
  EXPECT_EQ(classify_whiteout(".wh.passwd").target, "passwd");
  EXPECT_EQ(classify_whiteout(".wh..wh..opq").kind, WhiteoutKind::opaque);
  EXPECT_EQ(classify_whiteout(".wh..wh.plnk").kind, WhiteoutKind::aufs_meta);
  EXPECT_EQ(classify_whiteout(".wh..wh.aufs").kind, WhiteoutKind::aufs_meta);
  EXPECT_EQ(classify_whiteout(".whatever").kind, WhiteoutKind::none);
}

}  // namespace
}  // namespace berth
