// ensure_mount_point_layer against real directories: what it makes, what it
// leaves to the runtime, and that a second call reuses the first's layer.
#include "engine/mount_point_layer.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "base/unique_fd.h"
#include "image/whiteout.h"

namespace berth {
namespace {

namespace fs = std::filesystem;

class MountPointLayerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/berth-mount-points-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    base_ = pattern;
  }
  void TearDown() override { fs::remove_all(base_); }

  fs::path layer(const std::string& name) {
    fs::path path = base_ / "layers" / name;
    fs::create_directories(path);
    return path;
  }
  static void touch(const fs::path& path) { std::ofstream(path) << "image's"; }
  static void whiteout(const fs::path& path) {
    UniqueFd dir(::open(path.parent_path().c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    auto made = make_overlay_whiteout(dir.get(), path.filename().string());
    ASSERT_TRUE(made) << made.error().message;
  }
  static void make_opaque(const fs::path& path) {
    UniqueFd dir(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    auto made = make_overlay_opaque(dir.get());
    ASSERT_TRUE(made) << made.error().message;
  }
  fs::path target() const { return base_ / "root" / "mountpoints" / "id"; }

  fs::path base_;
};

TEST_F(MountPointLayerTest, MakesWhatTheImageLacks) {
  fs::path only = layer("only");
  fs::create_directories(only / "bin");
  auto made = ensure_mount_point_layer(target(), {only});
  ASSERT_TRUE(made) << made.error().message;
  EXPECT_EQ(*made, target());
  for (const char* dir : {"proc", "sys", "dev", "etc"}) EXPECT_TRUE(fs::is_directory(target() / dir)) << dir;
  for (const char* file : {"etc/hosts", "etc/hostname", "etc/resolv.conf"}) {
    EXPECT_TRUE(fs::is_regular_file(target() / file)) << file;
    EXPECT_EQ(fs::file_size(target() / file), 0u) << file;
  }
  EXPECT_FALSE(fs::exists(target() / "bin"));
  // Nothing of the staging directory is left beside it.
  EXPECT_EQ(std::distance(fs::directory_iterator(target().parent_path()), fs::directory_iterator()), 1);
}

TEST_F(MountPointLayerTest, LeavesWhatTheImageHasAndKeepsItsEtcOwnerAndMode) {
  fs::path top = layer("top"), bottom = layer("bottom");
  fs::create_directories(bottom / "proc");
  fs::create_directories(bottom / "etc");
  touch(bottom / "etc" / "hosts");
  ASSERT_EQ(::chmod((bottom / "etc").c_str(), 0750), 0);
  fs::create_directories(top / "etc");
  ASSERT_EQ(::chmod((top / "etc").c_str(), 0711), 0);
  ASSERT_EQ(::chown((top / "etc").c_str(), 1234, 5678), 0);
  fs::create_symlink("/somewhere", top / "dev");  // not a directory: the runtime's to handle
  auto made = ensure_mount_point_layer(target(), {top, bottom});
  ASSERT_TRUE(made) << made.error().message;
  EXPECT_FALSE(fs::exists(target() / "proc"));
  EXPECT_FALSE(fs::exists(fs::symlink_status(target() / "dev")));
  EXPECT_TRUE(fs::is_directory(target() / "sys"));
  EXPECT_FALSE(fs::exists(target() / "etc" / "hosts"));  // in a lower layer, under a directory that is not opaque
  EXPECT_TRUE(fs::is_regular_file(target() / "etc" / "hostname"));
  struct stat etc {};
  ASSERT_EQ(::stat((target() / "etc").c_str(), &etc), 0);
  EXPECT_EQ(etc.st_mode & 07777, 0711u);  // the topmost /etc's, which this layer's replaces in the merged view
  EXPECT_EQ(etc.st_uid, 1234u);
  EXPECT_EQ(etc.st_gid, 5678u);
}

TEST_F(MountPointLayerTest, WhiteoutsAndOpaqueDirectoriesHideLowerEntries) {
  fs::path top = layer("top"), bottom = layer("bottom");
  fs::create_directories(bottom / "sys");
  fs::create_directories(bottom / "etc");
  touch(bottom / "etc" / "hosts");
  touch(bottom / "etc" / "hostname");
  whiteout(top / "sys");
  fs::create_directories(top / "etc");
  whiteout(top / "etc" / "hostname");
  make_opaque(top / "etc");
  auto made = ensure_mount_point_layer(target(), {top, bottom});
  ASSERT_TRUE(made) << made.error().message;
  EXPECT_TRUE(fs::is_directory(target() / "sys"));                  // whited out above
  EXPECT_TRUE(fs::is_regular_file(target() / "etc" / "hosts"));     // below an opaque /etc
  EXPECT_TRUE(fs::is_regular_file(target() / "etc" / "hostname"));  // whited out
}

TEST_F(MountPointLayerTest, AnImageWhoseEtcIsNotADirectoryGetsNoEtcEntries) {
  fs::path only = layer("only");
  fs::create_directories(only / "private" / "etc");
  fs::create_symlink("private/etc", only / "etc");
  auto made = ensure_mount_point_layer(target(), {only});
  ASSERT_TRUE(made) << made.error().message;
  EXPECT_FALSE(fs::exists(fs::symlink_status(target() / "etc")));
  EXPECT_TRUE(fs::is_directory(target() / "proc"));
}

TEST_F(MountPointLayerTest, AnExistingLayerIsReusedAndAMissingImageLayerIsAnError) {
  fs::create_directories(target() / "marker");
  auto reused = ensure_mount_point_layer(target(), {base_ / "no-such-layer"});
  ASSERT_TRUE(reused) << reused.error().message;
  EXPECT_TRUE(fs::exists(target() / "marker"));
  EXPECT_TRUE(existing_mount_point_layer(target()));

  fs::path other = base_ / "root" / "mountpoints" / "other";
  auto missing = ensure_mount_point_layer(other, {base_ / "no-such-layer"});
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("no-such-layer"), std::string::npos) << missing.error().message;
  EXPECT_FALSE(fs::exists(other));
  EXPECT_FALSE(existing_mount_point_layer(other));
}

TEST_F(MountPointLayerTest, PathIsTheImageIdUnderTheRoot) {
  Digest id = Digest::from_hex(std::string(64, 'a'));
  EXPECT_EQ(mount_point_layer_path("/var/lib/berth", id),
            fs::path("/var/lib/berth/mountpoints/" + std::string(64, 'a')));
}

}  // namespace
}  // namespace berth
