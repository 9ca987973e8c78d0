#include "store/layer_store.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <linux/fs.h>
#include <linux/magic.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/vfs.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "base/unique_fd.h"
#include "store_test_support.h"

namespace berth::store {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using testing::count_entries;
using testing::read_text;

// Writes one file through the pending layer's directory fd, as an extractor does.
bool write_file_at(int dir_fd, const char* name, const std::string& content) {
  UniqueFd fd(::openat(dir_fd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644));
  return fd && ::write(fd.get(), content.data(), content.size()) == static_cast<ssize_t>(content.size());
}

class LayerStoreTest : public testing::StoreTest {
 protected:
  LayerStore store() const { return LayerStore(paths_); }
  Digest chain_ = Digest::of("layer one");
};

TEST(ChainId, FollowsTheOciImageSpec) {
  auto diff1 = Digest::of("diff one");
  auto diff2 = Digest::of("diff two");
  EXPECT_EQ(chain_id(std::nullopt, diff1), diff1);
  auto chain2 = chain_id(diff1, diff2);
  EXPECT_EQ(chain2, Digest::of(diff1.str() + " " + diff2.str()));
  EXPECT_NE(chain_id(chain2, diff1), chain_id(diff1, diff1)) << "the parent chain takes part";
  // A known value: sha256("sha256:aa…a sha256:bb…b").
  auto a = Digest::from_hex(std::string(64, 'a'));
  auto b = Digest::from_hex(std::string(64, 'b'));
  EXPECT_EQ(chain_id(a, b).str(),
            Digest::of("sha256:" + std::string(64, 'a') + " sha256:" + std::string(64, 'b')).str());
}

TEST_F(LayerStoreTest, CommittedLayerAppearsWholeUnderItsChainId) {
  auto layers = store();
  EXPECT_FALSE(layers.contains(chain_));
  auto begun = layers.begin(chain_);
  ASSERT_TRUE(begun) << begun.error().message;
  ASSERT_TRUE(begun->has_value());
  auto& pending = **begun;
  EXPECT_TRUE(pending.path().string().starts_with(paths_.layers_tmp().string())) << pending.path();
  ASSERT_TRUE(write_file_at(pending.dir_fd(), "hello", "world"));
  EXPECT_FALSE(layers.contains(chain_)) << "visible before commit";
  EXPECT_TRUE(layers.list()->empty());
  auto committed = pending.commit();
  ASSERT_TRUE(committed) << committed.error().message;
  EXPECT_TRUE(layers.contains(chain_));
  EXPECT_EQ(layers.diff_path(chain_), paths_.layers() / chain_.hex() / "diff");
  EXPECT_EQ(read_text(layers.diff_path(chain_) / "hello"), "world");
  EXPECT_EQ(count_entries(paths_.layers_tmp()), 0u);
  EXPECT_EQ(count_entries(paths_.locks()), 0u) << "lock file not cleaned up";
  EXPECT_EQ(*layers.list(), std::vector<Digest>{chain_});
  // Existing layer: nothing to do.
  auto again = layers.begin(chain_);
  ASSERT_TRUE(again);
  EXPECT_FALSE(again->has_value());
}

TEST_F(LayerStoreTest, TemporaryLayerDirectoryIsMarkedAsATopDirectory) {
  UniqueFd tmp(::open(paths_.layers_tmp().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  ASSERT_TRUE(tmp);
  int flags = 0;
  if (::ioctl(tmp.get(), FS_IOC_GETFLAGS, &flags) != 0) {
    GTEST_SKIP() << "the filesystem under " << paths_.layers_tmp() << " has no inode flags";
  }
  ASSERT_EQ(flags & FS_TOPDIR_FL, 0) << "a fresh store's directory should start without the flag";
  auto begun = store().begin(chain_);
  ASSERT_TRUE(begun && begun->has_value());
  ASSERT_EQ(::ioctl(tmp.get(), FS_IOC_GETFLAGS, &flags), 0);
  // ext4 and others keep FS_TOPDIR_FL; a filesystem that accepts GETFLAGS
  // but not this flag would leave it clear, and begin() still succeeds.
  struct statfs info {};
  ASSERT_EQ(::fstatfs(tmp.get(), &info), 0);
  if (info.f_type == EXT4_SUPER_MAGIC) {
    EXPECT_NE(flags & FS_TOPDIR_FL, 0) << "ext4 takes the flag";
  }
}

TEST_F(LayerStoreTest, DroppedPendingLayerLeavesNothing) {
  auto layers = store();
  {
    auto begun = layers.begin(chain_);
    ASSERT_TRUE(begun && begun->has_value());
    int dir = (*begun)->dir_fd();
    ASSERT_TRUE(write_file_at(dir, "file", "x"));
    ASSERT_EQ(::mkdirat(dir, "ro", 0755), 0);
    UniqueFd ro(::openat(dir, "ro", O_RDONLY | O_DIRECTORY));
    ASSERT_TRUE(write_file_at(ro.get(), "inner", "y"));
    ASSERT_EQ(::fchmod(ro.get(), 0555), 0);
    ASSERT_EQ(::symlinkat("/etc", dir, "escape"), 0);
  }
  EXPECT_FALSE(layers.contains(chain_));
  EXPECT_EQ(count_entries(paths_.layers_tmp()), 0u);
  EXPECT_TRUE(layers.list()->empty());
  EXPECT_TRUE(fs::exists("/etc/passwd")) << "the symlink was followed";
}

TEST_F(LayerStoreTest, KilledWriterLeavesATemporaryThatIsNeitherALayerNorKept) {
  auto layers = store();
  int status = testing::run_in_child([&] {
    LayerStore child(paths_);
    auto begun = child.begin(chain_);
    if (!begun || !begun->has_value()) return 1;
    if (!write_file_at((*begun)->dir_fd(), "half", "extracted")) return 2;
    ::kill(::getpid(), SIGKILL);
    return 3;
  });
  EXPECT_EQ(status, -1);
  EXPECT_FALSE(layers.contains(chain_));
  EXPECT_TRUE(layers.list()->empty());
  EXPECT_EQ(count_entries(paths_.layers_tmp()), 1u);
  auto removed = layers.remove_stale_temporaries();
  ASSERT_TRUE(removed) << removed.error().message;
  EXPECT_EQ(removed->directories, 1u);
  EXPECT_EQ(count_entries(paths_.layers_tmp()), 0u);
  // And the chain can be written afresh.
  auto begun = layers.begin(chain_);
  ASSERT_TRUE(begun && begun->has_value());
  EXPECT_TRUE((*begun)->commit());
}

TEST_F(LayerStoreTest, StaleCleanupSparesALayerBeingWritten) {
  auto layers = store();
  auto begun = layers.begin(chain_);
  ASSERT_TRUE(begun && begun->has_value());
  ASSERT_TRUE(write_file_at((*begun)->dir_fd(), "file", "x"));
  Result<LayerStore::StaleTemporaries> removed;
  std::thread cleaner([&] { removed = LayerStore(paths_).remove_stale_temporaries(); });
  cleaner.join();
  ASSERT_TRUE(removed) << removed.error().message;
  EXPECT_EQ(removed->directories, 0u);
  EXPECT_TRUE(fs::exists((*begun)->path() / "file"));
  EXPECT_TRUE((*begun)->commit());
  EXPECT_TRUE(layers.contains(chain_));
}

TEST_F(LayerStoreTest, SecondWriterWaitsThenFindsTheLayerDone) {
  auto layers = store();
  auto first = layers.begin(chain_);
  ASSERT_TRUE(first && first->has_value());
  std::atomic<bool> second_returned = false;
  Result<std::optional<LayerStore::Pending>> second;
  std::thread other([&] {
    second = LayerStore(paths_).begin(chain_);
    second_returned = true;
  });
  std::this_thread::sleep_for(150ms);
  EXPECT_FALSE(second_returned) << "the second writer did not wait for the chain lock";
  ASSERT_TRUE(write_file_at((*first)->dir_fd(), "file", "x"));
  ASSERT_TRUE((*first)->commit());
  other.join();
  ASSERT_TRUE(second) << second.error().message;
  EXPECT_FALSE(second->has_value()) << "the second writer should skip a completed layer";
}

TEST_F(LayerStoreTest, SecondWriterTakesOverWhenTheFirstFails) {
  auto layers = store();
  auto first = layers.begin(chain_);
  ASSERT_TRUE(first && first->has_value());
  Result<std::optional<LayerStore::Pending>> second;
  std::thread other([&] { second = LayerStore(paths_).begin(chain_); });
  std::this_thread::sleep_for(50ms);
  first->reset();  // extraction failed: dropped
  other.join();
  ASSERT_TRUE(second) << second.error().message;
  ASSERT_TRUE(second->has_value());
  ASSERT_TRUE(write_file_at((**second).dir_fd(), "file", "second"));
  ASSERT_TRUE((**second).commit());
  EXPECT_EQ(read_text(layers.diff_path(chain_) / "file"), "second");
}

TEST_F(LayerStoreTest, ConcurrentProcessesWritingOneLayerAllSucceed) {
  auto statuses = testing::run_children_concurrently(6, [&](int index) {
    LayerStore layers(paths_);
    auto begun = layers.begin(chain_);
    if (!begun) return 10;
    if (!begun->has_value()) return layers.contains(chain_) ? 0 : 11;
    for (int i = 0; i < 50; ++i)
      if (!write_file_at((*begun)->dir_fd(), ("f" + std::to_string(i)).c_str(), std::to_string(index))) return 12;
    return (*begun)->commit() ? 0 : 13;
  });
  for (int status : statuses) EXPECT_EQ(status, 0);
  auto layers = store();
  ASSERT_TRUE(layers.contains(chain_));
  EXPECT_EQ(count_entries(layers.diff_path(chain_)), 50u);
  // All files from one writer: no two writers ever shared a directory.
  auto writer = read_text(layers.diff_path(chain_) / "f0");
  for (int i = 1; i < 50; ++i) EXPECT_EQ(read_text(layers.diff_path(chain_) / ("f" + std::to_string(i))), writer);
  EXPECT_EQ(count_entries(paths_.layers_tmp()), 0u);
}

TEST_F(LayerStoreTest, RemoveDeletesTheLayerAndNothingElse) {
  auto layers = store();
  auto other_chain = Digest::of("other");
  for (const auto& chain : {chain_, other_chain}) {
    auto begun = layers.begin(chain);
    ASSERT_TRUE(begun && begun->has_value());
    ASSERT_TRUE(write_file_at((*begun)->dir_fd(), "file", "x"));
    ASSERT_EQ(::symlinkat(paths_.root.c_str(), (*begun)->dir_fd(), "root-link"), 0);
    ASSERT_TRUE((*begun)->commit());
  }
  auto removed = layers.remove(chain_);
  ASSERT_TRUE(removed) << removed.error().message;
  EXPECT_FALSE(layers.contains(chain_));
  EXPECT_FALSE(fs::exists(paths_.layers() / chain_.hex()));
  EXPECT_TRUE(layers.contains(other_chain));
  EXPECT_EQ(count_entries(paths_.layers_tmp()), 0u);
  EXPECT_TRUE(fs::exists(paths_.database().parent_path())) << "followed the symlink to the root";
  EXPECT_TRUE(layers.remove(chain_)) << "removing a missing layer is fine";
}

TEST_F(LayerStoreTest, HalfRemovedLayerNeverLooksComplete) {
  // A remover killed mid-delete has already renamed the layer into .tmp.
  auto layers = store();
  auto begun = layers.begin(chain_);
  ASSERT_TRUE(begun && begun->has_value());
  ASSERT_TRUE((*begun)->commit());
  fs::rename(paths_.layers() / chain_.hex(), paths_.layers_tmp() / (std::string(chain_.hex()) + "-removing-1"));
  EXPECT_FALSE(layers.contains(chain_));
  EXPECT_TRUE(layers.list()->empty());
  EXPECT_EQ(layers.remove_stale_temporaries()->directories, 1u);
}

TEST_F(LayerStoreTest, ListSkipsWhatIsNotALayer) {
  auto layers = store();
  fs::create_directories(paths_.layers() / "not-a-chain");
  fs::create_directories(paths_.layers() / "..hidden");
  EXPECT_TRUE(layers.list()->empty());
  EXPECT_FALSE(layers.contains(Digest()));
  EXPECT_FALSE(layers.begin(Digest()));
}

TEST_F(LayerStoreTest, DiskUsageCountsTheLayerTree) {
  auto layers = store();
  auto begun = layers.begin(chain_);
  ASSERT_TRUE(begun && begun->has_value());
  ASSERT_TRUE(write_file_at((*begun)->dir_fd(), "big", std::string(300000, 'z')));
  ASSERT_EQ(::linkat((*begun)->dir_fd(), "big", (*begun)->dir_fd(), "hardlink", 0), 0);
  ASSERT_TRUE((*begun)->commit());
  auto usage = layers.disk_usage(chain_);
  ASSERT_TRUE(usage) << usage.error().message;
  EXPECT_GE(*usage, 300000u);
  EXPECT_LT(*usage, 600000u) << "hard link counted twice";
  EXPECT_FALSE(layers.disk_usage(Digest::of("missing")));
}

}  // namespace
}  // namespace berth::store
