#include "image/whiteout.h"

#include <gtest/gtest.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>

#include "layer_test_fixture.h"

namespace berth {
namespace {

using test::exists;
using test::lstat_of;
using test::TarBuilder;

class Whiteouts : public test::LayerTest {
 protected:
  void expect_whiteout(const std::string& name) {
    auto st = lstat_of(in_layer(name));
    EXPECT_TRUE(S_ISCHR(st.st_mode)) << name;
    EXPECT_EQ(st.st_rdev, makedev(0, 0)) << name;
  }
  std::string opaque_value(const std::string& name) {
    char value[8];
    ssize_t size = ::lgetxattr(in_layer(name).c_str(), "trusted.overlay.opaque", value, sizeof value);
    return size < 0 ? "<none>" : std::string(value, static_cast<size_t>(size));
  }
};

TEST_F(Whiteouts, FileWhiteoutBecomesA00CharacterDevice) {
  TarBuilder tar;
  tar.dir("etc");
  tar.add({.name = "etc/.wh.shadow", .uid = 0, .gid = 42});
  tar.file(".wh.top", "");
  auto result = extract(tar.finish());
  ASSERT_TRUE(result) << result.error().message;
  expect_whiteout("etc/shadow");
  expect_whiteout("top");
  EXPECT_EQ(lstat_of(in_layer("etc/shadow")).st_gid, 42u);
  EXPECT_FALSE(exists(in_layer("etc/.wh.shadow")));
  EXPECT_FALSE(exists(in_layer(".wh.top")));
}

TEST_F(Whiteouts, WhiteoutReplacesAnEarlierEntryOfTheSameLayer) {
  TarBuilder tar;
  tar.file("etc/motd", "hello");
  tar.dir("var/cache");
  tar.file("var/cache/apt", "x");
  tar.file("etc/.wh.motd", "");
  tar.file("var/.wh.cache", "");
  auto result = extract(tar.finish());
  ASSERT_TRUE(result) << result.error().message;
  expect_whiteout("etc/motd");
  expect_whiteout("var/cache");
}

TEST_F(Whiteouts, OpaqueMarkerSetsTheXattrOnItsDirectory) {
  TarBuilder tar;
  tar.dir("usr/share/doc");
  tar.file("usr/share/doc/.wh..wh..opq", "");
  tar.file("usr/share/doc/README", "new");
  tar.file("fresh/.wh..wh..opq", "");  // its directory has no entry of its own
  auto result = extract(tar.finish());
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(opaque_value("usr/share/doc"), "y");
  EXPECT_EQ(opaque_value("fresh"), "y");
  EXPECT_EQ(opaque_value("usr/share"), "<none>");
  EXPECT_FALSE(exists(in_layer("usr/share/doc/.wh..wh..opq")));
  EXPECT_TRUE(exists(in_layer("usr/share/doc/README")));
}

TEST(OverlayWhiteout, ReportsATakenName) {
  test::TempDir dir;
  UniqueFd fd(::open(dir.path().c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  ASSERT_TRUE(make_overlay_whiteout(fd.get(), "gone"));
  auto again = make_overlay_whiteout(fd.get(), "gone");
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().errno_value, EEXIST);
}

}  // namespace
}  // namespace berth
