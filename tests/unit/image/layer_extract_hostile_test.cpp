// Tarballs made to escape the layer directory. Every test also checks, in
// LayerTest::TearDown, that the sibling "outside" directory is unchanged.
#include <gtest/gtest.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>

#include <climits>

#include "image/layer_extract.h"
#include "layer_test_fixture.h"

namespace berth {
namespace {

using test::exists;
using test::lstat_of;
using test::read_text;
using test::TarBuilder;
using test::TarEntrySpec;

class HostileLayer : public test::LayerTest {};

TEST_F(HostileLayer, DotDotEscapeIsRejectedNamingTheEntry) {
  TarBuilder tar;
  tar.file("a/../../outside/file", "pwned");
  expect_rejected(tar.finish(), "layer entry \"a/../../outside/file\": path escapes the layer root");
}

TEST_F(HostileLayer, LeadingDotDotIsRejected) {
  TarBuilder tar;
  tar.file("ok", "fine");
  tar.file("../outside/new", "pwned");
  expect_rejected(tar.finish(), "layer entry \"../outside/new\": path escapes the layer root");
  EXPECT_FALSE(exists(outside_ + "/new"));
}

TEST_F(HostileLayer, AbsoluteNameLandsInsideTheLayer) {
  TarBuilder tar;
  tar.file(outside_ + "/file", "inside");  // "/tmp/berth-image-test.X/outside/file"
  auto result = extract(tar.finish());
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(read_text(in_layer(outside_.substr(1) + "/file")), "inside");
  EXPECT_EQ(read_text(outside_ + "/file"), "sentinel");
}

TEST_F(HostileLayer, WriteThroughAnAbsoluteSymlinkStaysInside) {
  TarBuilder tar;
  tar.symlink("link", outside_);
  tar.file("link/file", "pwned");
  tar.file("link/dir/victim", "pwned");
  auto result = extract(tar.finish());
  ASSERT_TRUE(result) << result.error().message;
  // RESOLVE_IN_ROOT: "/tmp/.../outside" is looked up inside the layer.
  EXPECT_EQ(read_text(in_layer(outside_.substr(1) + "/file")), "pwned");
  EXPECT_EQ(read_text(in_layer(outside_.substr(1) + "/dir/victim")), "pwned");
  EXPECT_EQ(read_text(outside_ + "/file"), "sentinel");
}

TEST_F(HostileLayer, WriteThroughARelativeSymlinkStaysInside) {
  TarBuilder tar;
  tar.symlink("up", "../outside");
  tar.file("up/file", "pwned");
  auto result = extract(tar.finish());
  ASSERT_TRUE(result) << result.error().message;
  // ".." at the layer root stays at the root.
  EXPECT_EQ(read_text(in_layer("outside/file")), "pwned");
}

TEST_F(HostileLayer, SymlinkToAHostDirectoryWritesTheLayersOwnCopy) {
  // The "link -> /etc, then link/passwd" attack, aimed at the sentinel
  // directory rather than the real /etc: a broken extractor must not be able
  // to damage the machine running the tests.
  TarBuilder tar;
  tar.symlink("evil", outside_ + "/dir");
  tar.file("evil/victim", "pwned");
  auto result = extract(tar.finish());
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_TRUE(S_ISLNK(lstat_of(in_layer("evil")).st_mode));
  EXPECT_EQ(read_text(in_layer(outside_.substr(1) + "/dir/victim")), "pwned");
  EXPECT_EQ(read_text(outside_ + "/dir/victim"), "victim");
}

TEST_F(HostileLayer, SelfReferentialSymlinkIsALoop) {
  TarBuilder tar;
  tar.symlink("loop", "/loop");  // inside the layer root, /loop is this very link
  tar.file("loop/file", "x");
  expect_rejected(tar.finish(),
                  "layer entry \"loop/file\": open /loop in container root: Too many levels of symbolic links");
}

TEST_F(HostileLayer, DirectoryAndDeviceThroughASymlinkStayInside) {
  TarBuilder tar;
  tar.symlink("link", outside_ + "/dir");
  tar.add({.name = "link/sub", .type = AE_IFDIR, .mode = 0777});
  tar.add({.name = "link/null", .type = AE_IFCHR, .mode = 0666, .major = 1, .minor = 3});
  auto result = extract(tar.finish());
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_TRUE(S_ISDIR(lstat_of(in_layer(outside_.substr(1) + "/dir/sub")).st_mode));
  EXPECT_TRUE(S_ISCHR(lstat_of(in_layer(outside_.substr(1) + "/dir/null")).st_mode));
}

TEST_F(HostileLayer, FileOverASymlinkReplacesTheLinkNotItsTarget) {
  TarBuilder tar;
  tar.symlink("link", outside_ + "/file");
  tar.add({.name = "link", .mode = 04777, .data = "replaced", .uid = 1234, .gid = 1234});
  auto result = extract(tar.finish());
  ASSERT_TRUE(result) << result.error().message;
  auto st = lstat_of(in_layer("link"));
  EXPECT_TRUE(S_ISREG(st.st_mode));
  EXPECT_EQ(st.st_mode & 07777, 04777u);
  EXPECT_EQ(st.st_uid, 1234u);
  EXPECT_EQ(read_text(in_layer("link")), "replaced");
  // TearDown: outside/file keeps its mode 0640, owner and content.
}

TEST_F(HostileLayer, DirectoryOverASymlinkReplacesTheLinkNotItsTarget) {
  TarBuilder tar;
  tar.symlink("link", outside_ + "/dir");
  tar.add({.name = "link", .type = AE_IFDIR, .mode = 0777, .uid = 1234, .mtime = 1000});
  auto result = extract(tar.finish());
  ASSERT_TRUE(result) << result.error().message;
  auto st = lstat_of(in_layer("link"));
  EXPECT_TRUE(S_ISDIR(st.st_mode));
  EXPECT_EQ(st.st_mode & 07777, 0777u);
  EXPECT_EQ(st.st_mtim.tv_sec, 1000);
}

TEST_F(HostileLayer, SymlinkMetadataNeverReachesItsTarget) {
  TarBuilder tar;
  tar.add({.name = "link",
           .type = AE_IFLNK,
           .mode = 0777,
           .symlink = outside_ + "/file",
           .uid = 4321,
           .gid = 4321,
           .mtime = 1000});
  // A second header for the same symlink, as a tar with an update appended.
  tar.add({.name = "link",
           .type = AE_IFLNK,
           .mode = 0777,
           .symlink = outside_ + "/file",
           .uid = 999,
           .gid = 999,
           .mtime = 2000});
  auto result = extract(tar.finish());
  ASSERT_TRUE(result) << result.error().message;
  auto st = lstat_of(in_layer("link"));
  EXPECT_TRUE(S_ISLNK(st.st_mode));
  EXPECT_EQ(st.st_uid, 999u);  // lchown of the link itself
  EXPECT_EQ(st.st_mtim.tv_sec, 2000);
}

TEST_F(HostileLayer, HardLinkToAnAbsoluteHostPathIsAnError) {
  TarBuilder tar;
  tar.hardlink("h", outside_ + "/file");  // "/tmp/berth-image-test.X/outside/file"
  expect_rejected(tar.finish(), "layer entry \"h\": hard link target \"" + outside_.substr(1) +
                                    "/file\" does not exist in the layer");
  EXPECT_FALSE(exists(in_layer("h")));
  // TearDown: outside/file still has one link.
}

TEST_F(HostileLayer, HardLinkWithDotDotTargetIsAnError) {
  TarBuilder tar;
  tar.hardlink("h", "../outside/file");
  expect_rejected(tar.finish(), "layer entry \"h\": hard link target \"../outside/file\": path escapes the layer root");
}

TEST_F(HostileLayer, HardLinkThroughASymlinkedDirectoryIsAnError) {
  TarBuilder tar;
  tar.symlink("link", outside_);
  tar.hardlink("h", "link/file");
  expect_rejected(tar.finish(), "layer entry \"h\": hard link target \"link/file\" does not exist in the layer");
  // TearDown: outside/file still has one link.
}

TEST_F(HostileLayer, HardLinkToAMissingTargetIsAnError) {
  TarBuilder tar;
  tar.file("present", "x");
  tar.hardlink("h", "absent/file");
  expect_rejected(tar.finish(), "layer entry \"h\": hard link target \"absent/file\" does not exist in the layer");
}

TEST_F(HostileLayer, HardLinkToADirectoryIsAnError) {
  TarBuilder tar;
  tar.dir("d");
  tar.hardlink("h", "d");
  expect_rejected(tar.finish(), "layer entry \"h\": link to \"d\"");
}

TEST_F(HostileLayer, HardLinkToASymlinkToOutsideLinksTheSymlink) {
  TarBuilder tar;
  tar.symlink("s", outside_ + "/file");
  tar.hardlink("h", "s");
  auto result = extract(tar.finish());
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_TRUE(S_ISLNK(lstat_of(in_layer("h")).st_mode));
  // TearDown: outside/file's link count is still 1.
}

TEST_F(HostileLayer, WhiteoutUnderASymlinkedParentStaysInside) {
  TarBuilder tar;
  tar.symlink("link", outside_ + "/dir");
  tar.file("link/.wh.victim", "");
  tar.file("link/.wh..wh..opq", "");
  auto result = extract(tar.finish());
  ASSERT_TRUE(result) << result.error().message;
  std::string inside_dir = in_layer(outside_.substr(1) + "/dir");
  auto whiteout = lstat_of(inside_dir + "/victim");
  EXPECT_TRUE(S_ISCHR(whiteout.st_mode));
  EXPECT_EQ(whiteout.st_rdev, makedev(0, 0));
  char value[8];
  EXPECT_EQ(::lgetxattr(inside_dir.c_str(), "trusted.overlay.opaque", value, sizeof value), 1);
  EXPECT_LT(::lgetxattr((outside_ + "/dir").c_str(), "trusted.overlay.opaque", value, sizeof value), 0);
  EXPECT_EQ(read_text(outside_ + "/dir/victim"), "victim");
}

TEST_F(HostileLayer, OverlongComponentIsRejectedWithATruncatedName) {
  std::string name = "dir/" + std::string(NAME_MAX + 1, 'x');
  TarBuilder tar;
  tar.file(name, "x");
  auto result = extract(tar.finish());
  ASSERT_FALSE(result);
  EXPECT_NE(result.error().message.find("layer entry \"dir/xxxx"), std::string::npos) << result.error().message;
  EXPECT_NE(result.error().message.find("(260 bytes): a path component is 256 bytes, longer than NAME_MAX"),
            std::string::npos)
      << result.error().message;
  EXPECT_LT(result.error().message.size(), 250u);
}

TEST_F(HostileLayer, NameLongerThanPathMaxIsRejected) {
  std::string name;
  while (name.size() < PATH_MAX + 100) name += std::string(100, 'p') + "/";
  name += "file";
  TarBuilder tar;  // pax carries names of any length
  tar.file(name, "x");
  auto result = extract(tar.finish());
  ASSERT_FALSE(result);
  EXPECT_NE(result.error().message.find("longer than PATH_MAX"), std::string::npos) << result.error().message;
}

TEST_F(HostileLayer, RootCannotBecomeAFile) {
  TarBuilder tar;
  tar.file(".", "not a directory");
  expect_rejected(tar.finish(), "layer entry \".\": the layer root can only be a directory");
  EXPECT_TRUE(S_ISDIR(lstat_of(layer_).st_mode));
}

TEST_F(HostileLayer, EntryUnderARegularFileIsAnError) {
  TarBuilder tar;
  tar.file("f", "plain");
  tar.file("f/x", "under a file");
  expect_rejected(tar.finish(), "layer entry \"f/x\"");
}

TEST_F(HostileLayer, WhiteoutOfDotDotIsRejected) {
  TarBuilder tar;
  tar.file("dir/.wh...", "");
  expect_rejected(tar.finish(), "layer entry \"dir/.wh...\": whiteout of an invalid name");
}

TEST_F(HostileLayer, SymlinkLoopInAParentIsAnError) {
  TarBuilder tar;
  tar.symlink("a", "b");
  tar.symlink("b", "a");
  tar.file("a/x", "loop");
  expect_rejected(tar.finish(), "layer entry \"a/x\"");
}

}  // namespace
}  // namespace berth
