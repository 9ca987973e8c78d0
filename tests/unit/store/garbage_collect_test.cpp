#include "store/garbage_collect.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

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

class GarbageCollectTest : public testing::StoreTest {
 protected:
  void SetUp() override {
    testing::StoreTest::SetUp();
    auto opened = MetadataStore::open(paths_);
    ASSERT_TRUE(opened) << opened.error().message;
    metadata_.emplace(std::move(*opened));
    content_.emplace(paths_);
    layers_.emplace(paths_);
  }

  // What a pull does: blob, layer directory, layer row. Returns the record.
  LayerRecord pull_layer(const std::optional<Digest>& parent, const std::string& seed) {
    LayerRecord record;
    auto blob = content_->write_blob("compressed " + seed);
    EXPECT_TRUE(blob);
    record.diff_id = Digest::of("diff " + seed);
    record.chain_id = chain_id(parent, record.diff_id);
    record.parent = parent;
    record.blob_digest = *blob;
    record.size = 4096;
    auto begun = layers_->begin(record.chain_id);
    EXPECT_TRUE(begun && begun->has_value());
    if (begun && begun->has_value()) {
      UniqueFd file(::openat((*begun)->dir_fd(), "file", O_WRONLY | O_CREAT | O_CLOEXEC, 0644));
      std::string data(8192, 'x');
      EXPECT_EQ(::write(file.get(), data.data(), data.size()), 8192);
      EXPECT_TRUE((*begun)->commit());
    }
    EXPECT_TRUE(metadata_->put_layer(record));
    return record;
  }

  ImageRecord put_image(const std::string& config, const std::vector<LayerRecord>& layers) {
    ImageRecord image;
    image.config_json = config;
    image.id = content_->write_blob(config).value();
    image.manifest_digest = content_->write_blob("manifest " + config).value();
    for (const auto& layer : layers) image.layers.push_back(layer.chain_id);
    auto put = metadata_->put_image(image);
    EXPECT_TRUE(put) << put.error().message;
    return image;
  }

  std::optional<MetadataStore> metadata_;
  std::optional<ContentStore> content_;
  std::optional<LayerStore> layers_;
};

TEST_F(GarbageCollectTest, RemovesWhatNoImageReferencesAndKeepsTheRest) {
  auto base = pull_layer(std::nullopt, "base");
  auto one_top = pull_layer(base.chain_id, "one");
  auto two_top = pull_layer(base.chain_id, "two");
  auto one = put_image("{\"one\":1}", {base, one_top});
  auto two = put_image("{\"two\":2}", {base, two_top});
  auto stray = content_->write_blob("a blob nothing references").value();

  ASSERT_TRUE(metadata_->remove_image(one.id));
  auto report = collect_garbage(*metadata_, *content_, *layers_, {});
  ASSERT_TRUE(report) << report.error().message;
  EXPECT_EQ(report->layers, std::vector<Digest>{one_top.chain_id});
  std::vector<Digest> expected_blobs{one.id, *one.manifest_digest, *one_top.blob_digest, stray};
  std::sort(expected_blobs.begin(), expected_blobs.end());
  auto blobs = report->blobs;
  std::sort(blobs.begin(), blobs.end());
  EXPECT_EQ(blobs, expected_blobs);
  EXPECT_GE(report->bytes_reclaimed, 8192u);

  EXPECT_FALSE(layers_->contains(one_top.chain_id));
  EXPECT_FALSE(metadata_->get_layer(one_top.chain_id)->has_value());
  for (const auto& blob : expected_blobs) EXPECT_FALSE(content_->contains(blob));
  // Image two is untouched.
  for (const auto& layer : {base, two_top}) {
    EXPECT_TRUE(layers_->contains(layer.chain_id));
    EXPECT_TRUE(content_->contains(*layer.blob_digest));
  }
  EXPECT_TRUE(content_->contains(two.id));
  EXPECT_TRUE(content_->contains(*two.manifest_digest));
  // Nothing left to do.
  auto second = collect_garbage(*metadata_, *content_, *layers_, {});
  ASSERT_TRUE(second);
  EXPECT_TRUE(second->layers.empty() && second->blobs.empty());
}

TEST_F(GarbageCollectTest, CollectsCrashLeftovers) {
  auto kept = pull_layer(std::nullopt, "kept");
  put_image("{}", {kept});
  // rmi committed its transaction, then died before deleting the directory:
  // a layer directory without a row.
  auto orphan = Digest::of("orphan chain");
  fs::create_directories(layers_->diff_path(orphan));
  // A row whose directory is gone.
  LayerRecord row_only;
  row_only.diff_id = Digest::of("row only");
  row_only.chain_id = row_only.diff_id;
  ASSERT_TRUE(metadata_->put_layer(row_only));
  // A dead extraction and an abandoned download.
  fs::create_directories(paths_.layers_tmp() / (std::string(Digest::of("dead").hex()) + "-abcdef") / "diff");
  testing::write_text(paths_.ingest() / (std::string(Digest::of("gone").hex()) + ".partial"), "half");

  GcOptions options;
  options.ingest_min_age = 0s;
  auto report = collect_garbage(*metadata_, *content_, *layers_, options);
  ASSERT_TRUE(report) << report.error().message;
  auto removed = report->layers;
  std::sort(removed.begin(), removed.end());
  std::vector<Digest> expected{orphan, row_only.chain_id};
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(removed, expected);
  EXPECT_EQ(report->layer_temporaries, 1u);
  EXPECT_EQ(report->ingests, 1u);
  EXPECT_FALSE(fs::exists(paths_.layers() / orphan.hex()));
  EXPECT_FALSE(metadata_->get_layer(row_only.chain_id)->has_value());
  EXPECT_EQ(count_entries(paths_.layers_tmp()), 0u);
  EXPECT_EQ(count_entries(paths_.ingest()), 0u);
  EXPECT_TRUE(layers_->contains(kept.chain_id));
}

TEST_F(GarbageCollectTest, LayerOfAPullInProgressSurvivesAConcurrentGc) {
  // The pull has committed its layer and row but not yet its image row.
  auto guard = pull_guard(paths_);
  ASSERT_TRUE(guard) << guard.error().message;
  auto layer = pull_layer(std::nullopt, "in flight");

  std::atomic<bool> gc_done = false;
  Result<GcReport> report;
  std::thread gc([&] {
    auto metadata = MetadataStore::open(paths_);
    ContentStore content(paths_);
    LayerStore layers(paths_);
    report = collect_garbage(*metadata, content, layers, {});
    gc_done = true;
  });
  std::this_thread::sleep_for(150ms);
  EXPECT_FALSE(gc_done) << "gc did not wait for the pull";
  EXPECT_TRUE(layers_->contains(layer.chain_id));
  put_image("{\"pulled\":true}", {layer});
  guard->release();
  gc.join();
  ASSERT_TRUE(report) << report.error().message;
  EXPECT_TRUE(report->layers.empty());
  EXPECT_TRUE(report->blobs.empty());
  EXPECT_TRUE(layers_->contains(layer.chain_id));
  EXPECT_TRUE(content_->contains(*layer.blob_digest));
}

TEST_F(GarbageCollectTest, PullsShareTheGuard) {
  auto first = pull_guard(paths_);
  ASSERT_TRUE(first);
  Result<FileLock> second = std::unexpected(Error{"not run", 0});
  std::thread other([&] { second = pull_guard(paths_); });
  other.join();  // would hang if the guard were exclusive
  EXPECT_TRUE(second);
}

TEST_F(GarbageCollectTest, DeleteUnreferencedAfterRmi) {
  auto base = pull_layer(std::nullopt, "base");
  auto top = pull_layer(base.chain_id, "top");
  auto image = put_image("{}", {base, top});
  auto removed = metadata_->remove_image(image.id);
  ASSERT_TRUE(removed);

  // A running pull defers the deletion instead of blocking rmi.
  {
    auto guard = pull_guard(paths_);
    ASSERT_TRUE(guard);
    Result<GcReport> deferred;
    std::thread rmi([&] {
      auto metadata = MetadataStore::open(paths_);
      ContentStore content(paths_);
      LayerStore layers(paths_);
      deferred = delete_unreferenced(*metadata, content, layers, *removed, LockWait::skip_if_busy);
    });
    rmi.join();
    ASSERT_TRUE(deferred) << deferred.error().message;
    EXPECT_TRUE(deferred->deferred);
    EXPECT_TRUE(layers_->contains(top.chain_id));
  }

  // Meanwhile another image started using the base layer again.
  put_image("{\"again\":1}", {base});
  auto report = delete_unreferenced(*metadata_, *content_, *layers_, *removed, LockWait::wait);
  ASSERT_TRUE(report) << report.error().message;
  EXPECT_FALSE(report->deferred);
  EXPECT_EQ(report->layers, std::vector<Digest>{top.chain_id});
  EXPECT_FALSE(layers_->contains(top.chain_id));
  EXPECT_FALSE(metadata_->get_layer(top.chain_id)->has_value());
  EXPECT_FALSE(content_->contains(*top.blob_digest));
  EXPECT_TRUE(layers_->contains(base.chain_id)) << "deleted a layer in use again";
  EXPECT_TRUE(content_->contains(*base.blob_digest));
  EXPECT_FALSE(content_->contains(image.id));
}

}  // namespace
}  // namespace berth::store
