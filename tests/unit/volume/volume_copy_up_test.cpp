#include "volume/volume_copy_up.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "base/unique_fd.h"
#include "volume_test_support.h"

namespace berth::volume {
namespace {

namespace fs = std::filesystem;
using testing::read_text;
using testing::snapshot;
using testing::write_text;

class CopyUpTest : public testing::VolumeTest {
 protected:
  void SetUp() override {
    testing::VolumeTest::SetUp();
    rootfs_ = temp_.path() / "rootfs";
    fs::create_directories(rootfs_ / "data" / "sub");
    write_text(rootfs_ / "data" / "file.txt", "image content");
    write_text(rootfs_ / "data" / "sub" / "inner.txt", "inner");
    // Symlinks in the image aimed outside it: copied as links, never followed.
    fs::create_symlink(sentinel_, rootfs_ / "data" / "link_abs");
    fs::create_symlink("../../../sentinel", rootfs_ / "data" / "link_up");
    fs::create_symlink(sentinel_ / "secret.txt", rootfs_ / "data" / "file_link");
    // Mount destinations that are themselves symlinks out of the image.
    fs::create_symlink(sentinel_, rootfs_ / "escape_abs");
    fs::create_symlink("../../../sentinel", rootfs_ / "escape_up");
    fs::create_symlink("/", rootfs_ / "to_root");
  }

  UniqueFd open_dir(const fs::path& path) {
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    EXPECT_TRUE(fd) << path;
    return fd;
  }

  fs::path rootfs_;
};

TEST_F(CopyUpTest, CopiesContentAndKeepsSymlinksAsSymlinks) {
  Volume volume = create("filled");
  auto copied = service_->copy_up("filled", rootfs_, "/data");
  ASSERT_TRUE(copied) << copied.error().message;
  EXPECT_TRUE(*copied);
  const fs::path data = volume.mountpoint;
  EXPECT_EQ(read_text(data / "file.txt"), "image content");
  EXPECT_EQ(read_text(data / "sub" / "inner.txt"), "inner");
  ASSERT_TRUE(fs::is_symlink(data / "link_abs"));
  EXPECT_EQ(fs::read_symlink(data / "link_abs"), sentinel_);
  EXPECT_EQ(fs::read_symlink(data / "link_up"), "../../../sentinel");
  EXPECT_EQ(fs::read_symlink(data / "file_link"), sentinel_ / "secret.txt");
  // Nothing of the sentinel was copied in through the links.
  EXPECT_EQ(snapshot(data).count("link_abs/secret.txt"), 0u);
  size_t entries = 0;
  for (auto it = fs::recursive_directory_iterator(data); it != fs::recursive_directory_iterator(); ++it) ++entries;
  EXPECT_EQ(entries, 6u);  // file.txt, sub, sub/inner.txt, link_abs, link_up, file_link

  // Only an empty volume is filled.
  write_text(rootfs_ / "data" / "later.txt", "later");
  auto again = service_->copy_up("filled", rootfs_, "/data");
  ASSERT_TRUE(again);
  EXPECT_FALSE(*again);
  EXPECT_FALSE(fs::exists(data / "later.txt"));
}

TEST_F(CopyUpTest, KeepsOwnersModesTimesAndXattrs) {
  fs::path source = rootfs_ / "data";
  ASSERT_EQ(::chown((source / "file.txt").c_str(), 1234, 5678), 0);
  ASSERT_EQ(::chmod((source / "file.txt").c_str(), 04750), 0);
  ASSERT_EQ(::chown((source / "sub").c_str(), 42, 43), 0);
  ASSERT_EQ(::chmod((source / "sub").c_str(), 01770), 0);
  ASSERT_EQ(::chown(source.c_str(), 7, 8), 0);
  ASSERT_EQ(::chmod(source.c_str(), 0710), 0);
  ASSERT_EQ(::lchown((source / "link_abs").c_str(), 99, 98), 0);
  const timespec times[2] = {{1600000000, 0}, {1600000000, 0}};
  ASSERT_EQ(::utimensat(AT_FDCWD, (source / "sub" / "inner.txt").c_str(), times, 0), 0);
  ASSERT_EQ(::mkfifo((source / "pipe").c_str(), 0640), 0);
  bool xattrs = ::setxattr((source / "file.txt").c_str(), "user.berth", "kept", 4, 0) == 0;

  Volume volume = create("attrs");
  ASSERT_TRUE(service_->copy_up("attrs", rootfs_, "data").value_or(false));
  struct stat info {};
  ASSERT_EQ(::lstat((volume.mountpoint / "file.txt").c_str(), &info), 0);
  EXPECT_EQ(info.st_uid, 1234u);
  EXPECT_EQ(info.st_gid, 5678u);
  EXPECT_EQ(info.st_mode & 07777, 04750u) << "setuid survives the chown";
  ASSERT_EQ(::lstat((volume.mountpoint / "sub").c_str(), &info), 0);
  EXPECT_EQ(info.st_uid, 42u);
  EXPECT_EQ(info.st_mode & 07777, 01770u);
  ASSERT_EQ(::lstat((volume.mountpoint / "sub" / "inner.txt").c_str(), &info), 0);
  EXPECT_EQ(info.st_mtim.tv_sec, 1600000000);
  ASSERT_EQ(::lstat((volume.mountpoint / "link_abs").c_str(), &info), 0);
  EXPECT_EQ(info.st_uid, 99u);
  ASSERT_EQ(::lstat((volume.mountpoint / "pipe").c_str(), &info), 0);
  EXPECT_TRUE(S_ISFIFO(info.st_mode));
  EXPECT_EQ(info.st_mode & 07777, 0640u);
  // The volume's root takes the image directory's owner and mode.
  ASSERT_EQ(::lstat(volume.mountpoint.c_str(), &info), 0);
  EXPECT_EQ(info.st_uid, 7u);
  EXPECT_EQ(info.st_mode & 07777, 0710u);
  if (xattrs) {
    char value[16] = {};
    EXPECT_EQ(::getxattr((volume.mountpoint / "file.txt").c_str(), "user.berth", value, sizeof value), 4);
    EXPECT_EQ(std::string(value, 4), "kept");
  }
}

TEST_F(CopyUpTest, AMountPathThatIsASymlinkOutOfTheImageResolvesInsideIt) {
  for (const char* path :
       {"/escape_abs", "/escape_up", "escape_up/inner", "../../sentinel", "/../../../sentinel", "/to_root/sentinel"}) {
    Volume volume = create("v" + std::to_string(std::hash<std::string>{}(path) % 100000));
    auto copied = service_->copy_up(volume.name, rootfs_, path);
    ASSERT_TRUE(copied) << path << ": " << copied.error().message;
    EXPECT_FALSE(*copied) << path << " resolved outside the rootfs";
    EXPECT_TRUE(fs::is_empty(volume.mountpoint)) << path;
  }
  // Resolved inside the rootfs, a link to "/" is the rootfs itself.
  Volume whole = create("whole");
  ASSERT_TRUE(service_->copy_up("whole", rootfs_, "/to_root/data").value_or(false));
  EXPECT_EQ(read_text(whole.mountpoint / "file.txt"), "image content");
}

TEST_F(CopyUpTest, APlantedDataSymlinkIsNeverWrittenThrough) {
  Volume volume = create("planted");
  fs::remove(volume.mountpoint);
  fs::create_symlink(sentinel_, volume.mountpoint);
  auto copied = service_->copy_up("planted", rootfs_, "/data");
  ASSERT_FALSE(copied) << "copied through a symlinked _data";
  EXPECT_FALSE(fs::exists(sentinel_ / "file.txt"));
  // The volume directory itself replaced by a symlink.
  Volume other = create("planted2");
  fs::remove_all(paths_.root / "volumes" / "planted2");
  fs::create_symlink(sentinel_, paths_.root / "volumes" / "planted2");
  EXPECT_FALSE(service_->copy_up("planted2", rootfs_, "/data"));
  // remove deletes the link, not what it points to.
  EXPECT_TRUE(service_->remove("planted2", false));
  EXPECT_TRUE(fs::exists(sentinel_ / "secret.txt"));
}

TEST_F(CopyUpTest, NamesPlantedInTheDestinationFailTheCopyInsteadOfBeingFollowed) {
  fs::path dest = temp_.path() / "dest";
  // A file link, a directory link and a dangling link where the copy writes.
  for (const auto& [name, target] : std::vector<std::pair<std::string, fs::path>>{
           {"file.txt", sentinel_ / "secret.txt"}, {"sub", sentinel_ / "inner"}, {"link_up", sentinel_ / "new"}}) {
    fs::remove_all(dest);
    fs::create_directories(dest);
    fs::create_symlink(target, dest / name);
    UniqueFd source = open_dir(rootfs_ / "data");
    UniqueFd destination = open_dir(dest);
    auto copied = copy_directory_contents(source.get(), destination.get());
    EXPECT_FALSE(copied) << "wrote through the planted " << name;
    EXPECT_FALSE(fs::exists(sentinel_ / "new"));
    EXPECT_FALSE(fs::exists(sentinel_ / "inner" / "inner.txt"));
  }
}

TEST_F(CopyUpTest, NothingToCopyIsNotAnError) {
  Volume volume = create("empty-src");
  write_text(rootfs_ / "plainfile", "x");
  EXPECT_FALSE(service_->copy_up("empty-src", rootfs_, "/missing").value_or(true));
  EXPECT_FALSE(service_->copy_up("empty-src", rootfs_, "/plainfile").value_or(true));
  EXPECT_FALSE(service_->copy_up("nosuch", rootfs_, "/data"));
}

}  // namespace
}  // namespace berth::volume
