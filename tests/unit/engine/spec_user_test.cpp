#include "engine/spec_user.h"

#include <gtest/gtest.h>

namespace berth {
namespace {

const std::string kPasswd =
    "root:x:0:0:root:/root:/bin/sh\n"
    "# a comment\n"
    "\n"
    "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
    "broken line without colons\n"
    "badid:x:notanumber:1::/:/bin/sh\n"
    "www:x:33:33:www:/var/www:/bin/sh\n"
    "app:x:1000:1000::/home/app:/bin/sh\n"
    "dup:x:1001:1001::/:/bin/sh\n"
    "dup:x:1002:1002::/:/bin/sh\n";
const std::string kGroup =
    "root:x:0:\n"
    "wheel:x:10:root,app\n"
    "audio:x:29:app\n"
    "junk:x:\n"
    "www:x:33:\n"
    "app:x:1000:\n"
    "video:x:44:\n";

TEST(ParsePasswd, SkipsMalformedLines) {
  auto entries = parse_passwd(kPasswd);
  ASSERT_EQ(entries.size(), 6u);
  EXPECT_EQ(entries[0].name, "root");
  EXPECT_EQ(entries[2].name, "www");
  EXPECT_EQ(entries[2].uid, 33u);
  EXPECT_EQ(entries[2].home, "/var/www");
}

TEST(ParseGroup, ReadsMembersAndSkipsMalformedLines) {
  auto entries = parse_group(kGroup);
  ASSERT_EQ(entries.size(), 6u);
  EXPECT_EQ(entries[1].name, "wheel");
  EXPECT_EQ(entries[1].members, (std::vector<std::string>{"root", "app"}));
  EXPECT_TRUE(parse_group("g:x:99999999999:\n").empty());  // out of range
}

TEST(ResolveUser, EmptyIsRootWithItsGroups) {
  auto user = resolve_user("", {}, kPasswd, kGroup);
  ASSERT_TRUE(user) << user.error().message;
  EXPECT_EQ(user->uid, 0u);
  EXPECT_EQ(user->gid, 0u);
  EXPECT_EQ(user->additional_gids, (std::vector<uint32_t>{0, 10}));
}

TEST(ResolveUser, NameLooksUpUidGidAndSupplementaryGroups) {
  auto user = resolve_user("app", {}, kPasswd, kGroup);
  ASSERT_TRUE(user) << user.error().message;
  EXPECT_EQ(user->uid, 1000u);
  EXPECT_EQ(user->gid, 1000u);
  EXPECT_EQ(user->additional_gids, (std::vector<uint32_t>{1000, 10, 29}));
}

TEST(ResolveUser, FirstMatchWins) {
  auto user = resolve_user("dup", {}, kPasswd, kGroup);
  ASSERT_TRUE(user);
  EXPECT_EQ(user->uid, 1001u);
}

TEST(ResolveUser, NumericUidWithAndWithoutEntry) {
  auto known = resolve_user("33", {}, kPasswd, kGroup);
  ASSERT_TRUE(known);
  EXPECT_EQ(known->uid, 33u);
  EXPECT_EQ(known->gid, 33u);
  auto unknown = resolve_user("4242", {}, kPasswd, kGroup);
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->uid, 4242u);
  EXPECT_EQ(unknown->gid, 0u);
  EXPECT_EQ(unknown->additional_gids, (std::vector<uint32_t>{0}));
}

TEST(ResolveUser, UidGidForms) {
  auto numeric = resolve_user("4242:4343", {}, std::nullopt, std::nullopt);
  ASSERT_TRUE(numeric);
  EXPECT_EQ(numeric->uid, 4242u);
  EXPECT_EQ(numeric->gid, 4343u);
  auto named = resolve_user("app:video", {}, kPasswd, kGroup);
  ASSERT_TRUE(named);
  EXPECT_EQ(named->uid, 1000u);
  EXPECT_EQ(named->gid, 44u);
  // The explicit form has no supplementary groups.
  EXPECT_EQ(named->additional_gids, (std::vector<uint32_t>{44}));
  auto mixed = resolve_user("1000:audio", {}, kPasswd, kGroup);
  ASSERT_TRUE(mixed);
  EXPECT_EQ(mixed->gid, 29u);
}

TEST(ResolveUser, GroupAddByNameOrNumber) {
  auto user = resolve_user("www", {"audio", "4000", "29", "video"}, kPasswd, kGroup);
  ASSERT_TRUE(user) << user.error().message;
  EXPECT_EQ(user->additional_gids, (std::vector<uint32_t>{33, 29, 4000, 44}));
}

TEST(ResolveUser, Errors) {
  auto user = resolve_user("foo", {}, kPasswd, kGroup);
  ASSERT_FALSE(user);
  EXPECT_EQ(user.error().message, "unable to find user foo: no matching entries in passwd file");
  user = resolve_user("foo", {}, std::nullopt, std::nullopt);
  ASSERT_FALSE(user);
  EXPECT_EQ(user.error().message, "unable to find user foo: no matching entries in passwd file");
  user = resolve_user("app:nogroup", {}, kPasswd, kGroup);
  ASSERT_FALSE(user);
  EXPECT_EQ(user.error().message, "unable to find group nogroup: no matching entries in group file");
  user = resolve_user("app", {"nogroup"}, kPasswd, kGroup);
  ASSERT_FALSE(user);
  EXPECT_EQ(user.error().message, "Unable to find group nogroup: no matching entries in group file");
  user = resolve_user("99999999999", {}, kPasswd, kGroup);
  ASSERT_FALSE(user);
  EXPECT_EQ(user.error().message, "uids and gids must be in range 0-2147483647");
}

}  // namespace
}  // namespace berth
