#include "store/content_store.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <atomic>
#include <thread>

#include "store_test_support.h"

namespace berth::store {
namespace {

namespace fs = std::filesystem;
using testing::count_entries;
using testing::read_text;
using testing::write_text;

std::string pattern_data(size_t size, char seed = 'a') {
  std::string data(size, '\0');
  for (size_t i = 0; i < size; ++i) data[i] = static_cast<char>(seed + (i * 7 + i / 251) % 26);
  return data;
}

class ContentStoreTest : public testing::StoreTest {
 protected:
  ContentStore store() const { return ContentStore(paths_); }
};

TEST_F(ContentStoreTest, WrittenBlobIsNamedByItsDigestAndReadsBack) {
  auto content = store();
  auto written = content.write_blob("{\"config\":1}");
  ASSERT_TRUE(written) << written.error().message;
  EXPECT_EQ(*written, Digest::of("{\"config\":1}"));
  EXPECT_TRUE(content.contains(*written));
  EXPECT_EQ(content.blob_path(*written), paths_.blobs() / written->hex());
  auto read = content.read_blob(*written, 1024);
  ASSERT_TRUE(read) << read.error().message;
  EXPECT_EQ(*read, "{\"config\":1}");
  EXPECT_EQ(content.blob_size(*written).value(), 12u);
  EXPECT_EQ(count_entries(paths_.ingest()), 0u) << "temporary left behind";
  // Idempotent.
  EXPECT_TRUE(content.write_blob("{\"config\":1}", *written));
  auto listed = content.list_blobs();
  ASSERT_TRUE(listed);
  EXPECT_EQ(*listed, std::vector<Digest>{*written});
}

TEST_F(ContentStoreTest, WriteWithWrongExpectedDigestWritesNothing) {
  auto content = store();
  auto wrong = Digest::of("something else");
  auto written = content.write_blob("data", wrong);
  ASSERT_FALSE(written);
  EXPECT_NE(
      written.error().message.find("digest mismatch: expected " + wrong.str() + ", got " + Digest::of("data").str()),
      std::string::npos)
      << written.error().message;
  EXPECT_FALSE(content.contains(Digest::of("data")));
  EXPECT_FALSE(content.contains(wrong));
  EXPECT_EQ(count_entries(paths_.blobs()), 0u);
  EXPECT_EQ(count_entries(paths_.ingest()), 0u);
}

TEST_F(ContentStoreTest, ReadDetectsACorruptedBlob) {
  auto content = store();
  auto digest = content.write_blob("original").value();
  write_text(content.blob_path(digest), "tampered");
  auto read = content.read_blob(digest, 1024);
  ASSERT_FALSE(read);
  EXPECT_NE(read.error().message.find("digest mismatch"), std::string::npos) << read.error().message;
}

TEST_F(ContentStoreTest, ReadRefusesBlobsOverTheLimit) {
  auto content = store();
  auto digest = content.write_blob(std::string(5000, 'x')).value();
  auto read = content.read_blob(digest, 4096);
  ASSERT_FALSE(read);
  EXPECT_NE(read.error().message.find("more than the 4096 allowed"), std::string::npos) << read.error().message;
  EXPECT_TRUE(content.read_blob(digest, 5000));
}

TEST_F(ContentStoreTest, MissingBlobIsAnErrorNotAnEmptyBlob) {
  auto content = store();
  auto digest = Digest::of("absent");
  EXPECT_FALSE(content.contains(digest));
  EXPECT_FALSE(content.read_blob(digest, 100));
  auto fd = content.open_blob(digest);
  ASSERT_FALSE(fd);
  EXPECT_EQ(fd.error().errno_value, ENOENT);
  EXPECT_TRUE(content.remove_blob(digest)) << "removing an absent blob is fine";
}

TEST_F(ContentStoreTest, HostileNamesNeverBecomePaths) {
  // Digest::parse is the gate: nothing with a path character gets through.
  for (const char* hostile :
       {"sha256:../../../../etc/passwd", "sha256:/etc/passwd", "../blobs", "sha256:", "sha256:aaaa/../../bbbb"})
    EXPECT_FALSE(Digest::parse(hostile)) << hostile;
  // Junk and symlinks inside blobs/sha256 are neither listed nor taken for blobs.
  auto content = store();
  write_text(paths_.blobs() / "not-a-digest", "x");
  auto link_target = Digest::of("link");
  fs::create_symlink("/etc/passwd", paths_.blobs() / link_target.hex());
  EXPECT_FALSE(content.contains(link_target));
  EXPECT_FALSE(content.open_blob(link_target));
  auto listed = content.list_blobs();
  ASSERT_TRUE(listed);
  EXPECT_EQ(listed->size(), 1u);  // the symlink's name is a digest; gc may remove it, nothing follows it
}

TEST_F(ContentStoreTest, IngestStreamsAndCommits) {
  auto content = store();
  auto data = pattern_data(3 * 1024 * 1024 + 17);
  auto digest = Digest::of(data);
  auto begun = content.begin_ingest(digest, data.size());
  ASSERT_TRUE(begun) << begun.error().message;
  ASSERT_TRUE(begun->has_value());
  auto& ingest = **begun;
  EXPECT_EQ(ingest.offset(), 0u);
  EXPECT_TRUE(fs::exists(paths_.locks() / ("ingest-" + std::string(digest.hex()))));
  for (size_t at = 0; at < data.size(); at += 65536)
    ASSERT_TRUE(ingest.write(std::string_view(data).substr(at, 65536)));
  EXPECT_EQ(ingest.offset(), data.size());
  EXPECT_FALSE(content.contains(digest)) << "visible before commit";
  auto committed = ingest.commit();
  ASSERT_TRUE(committed) << committed.error().message;
  EXPECT_EQ(*committed, digest);
  EXPECT_TRUE(content.contains(digest));
  EXPECT_EQ(read_text(content.blob_path(digest)), data);
  EXPECT_EQ(count_entries(paths_.ingest()), 0u);
  EXPECT_EQ(count_entries(paths_.locks()), 0u) << "lock file not cleaned up";
  // Already stored: nothing to do.
  auto again = content.begin_ingest(digest, data.size());
  ASSERT_TRUE(again);
  EXPECT_FALSE(again->has_value());
}

TEST_F(ContentStoreTest, KilledIngestLeavesNothingThatLooksComplete) {
  auto content = store();
  auto data = pattern_data(100000);
  auto digest = Digest::of(data);
  {
    auto begun = content.begin_ingest(digest, data.size());
    ASSERT_TRUE(begun && begun->has_value());
    ASSERT_TRUE((*begun)->write(std::string_view(data).substr(0, 40000)));
    // Destroyed without commit: what a kill -9 leaves, minus the lock (the
    // kernel drops flocks of a dead process too).
  }
  EXPECT_FALSE(content.contains(digest));
  EXPECT_TRUE(content.list_blobs()->empty());
  EXPECT_TRUE(fs::exists(paths_.ingest() / (std::string(digest.hex()) + ".partial")));
}

TEST_F(ContentStoreTest, KilledProcessIngestResumesAtItsOffset) {
  auto content = store();
  auto data = pattern_data(200000);
  auto digest = Digest::of(data);
  // A real kill -9 in the middle of an ingest.
  int status = testing::run_in_child([&] {
    ContentStore child_store(paths_);
    auto begun = child_store.begin_ingest(digest, data.size());
    if (!begun || !begun->has_value()) return 1;
    if (!(*begun)->write(std::string_view(data).substr(0, 123456))) return 2;
    ::kill(::getpid(), SIGKILL);
    return 3;
  });
  EXPECT_EQ(status, -1) << "child was supposed to die by SIGKILL";
  EXPECT_FALSE(content.contains(digest));

  auto begun = content.begin_ingest(digest, data.size());
  ASSERT_TRUE(begun) << begun.error().message;
  ASSERT_TRUE(begun->has_value());
  auto& ingest = **begun;
  ASSERT_EQ(ingest.offset(), 123456u);
  ASSERT_TRUE(ingest.write(std::string_view(data).substr(ingest.offset())));
  auto committed = ingest.commit();
  ASSERT_TRUE(committed) << committed.error().message;
  EXPECT_EQ(*committed, digest);
  EXPECT_EQ(read_text(content.blob_path(digest)), data);
}

TEST_F(ContentStoreTest, PartialLongerThanTheBlobStartsOver) {
  auto content = store();
  auto data = pattern_data(1000);
  auto digest = Digest::of(data);
  write_text(paths_.ingest() / (std::string(digest.hex()) + ".partial"), pattern_data(5000, 'k'));
  auto begun = content.begin_ingest(digest, data.size());
  ASSERT_TRUE(begun && begun->has_value());
  EXPECT_EQ((*begun)->offset(), 0u);
  ASSERT_TRUE((*begun)->write(data));
  auto committed = (*begun)->commit();
  ASSERT_TRUE(committed) << committed.error().message;
  EXPECT_EQ(read_text(content.blob_path(digest)), data);
}

TEST_F(ContentStoreTest, DigestMismatchLeavesNothingBehind) {
  auto content = store();
  auto expected = Digest::of("what the manifest promised");
  auto begun = content.begin_ingest(expected, 0);
  ASSERT_TRUE(begun && begun->has_value());
  ASSERT_TRUE((*begun)->write("what the registry sent"));
  auto committed = (*begun)->commit();
  ASSERT_FALSE(committed);
  auto message = committed.error().message;
  EXPECT_NE(message.find("digest mismatch: expected " + expected.str() + ", got " +
                         Digest::of("what the registry sent").str()),
            std::string::npos)
      << message;
  EXPECT_FALSE(content.contains(expected));
  EXPECT_FALSE(content.contains(Digest::of("what the registry sent")));
  EXPECT_EQ(count_entries(paths_.blobs()), 0u);
  EXPECT_EQ(count_entries(paths_.ingest()), 0u);
  EXPECT_EQ(count_entries(paths_.locks()), 0u);
  // The next attempt starts from zero.
  auto retry = content.begin_ingest(expected, 0);
  ASSERT_TRUE(retry && retry->has_value());
  EXPECT_EQ((*retry)->offset(), 0u);
}

TEST_F(ContentStoreTest, IngestRefusesMoreThanTheExpectedSizeAndShortData) {
  auto content = store();
  auto data = pattern_data(100);
  auto digest = Digest::of(data);
  auto begun = content.begin_ingest(digest, data.size());
  ASSERT_TRUE(begun && begun->has_value());
  auto too_much = (*begun)->write(data + "x");
  ASSERT_FALSE(too_much);
  EXPECT_NE(too_much.error().message.find("more data than the expected 100 bytes"), std::string::npos);
  ASSERT_TRUE((*begun)->write(std::string_view(data).substr(0, 50)));
  auto short_commit = (*begun)->commit();
  ASSERT_FALSE(short_commit);
  EXPECT_NE(short_commit.error().message.find("size mismatch"), std::string::npos) << short_commit.error().message;
  EXPECT_FALSE(content.contains(digest));
  EXPECT_FALSE((*begun)->write("x")) << "a finished ingest takes no more data";
}

TEST_F(ContentStoreTest, DiscardDeletesThePartial) {
  auto content = store();
  auto digest = Digest::of("abc");
  auto begun = content.begin_ingest(digest, 3);
  ASSERT_TRUE(begun && begun->has_value());
  ASSERT_TRUE((*begun)->write("ab"));
  (*begun)->discard();
  EXPECT_EQ(count_entries(paths_.ingest()), 0u);
  EXPECT_EQ(count_entries(paths_.locks()), 0u);
}

// Every racer either writes the blob or finds it done; all succeed.
int ingest_or_skip(ContentStore& content, const std::string& data) {
  auto digest = Digest::of(data);
  auto begun = content.begin_ingest(digest, data.size());
  if (!begun) return 10;
  if (!begun->has_value()) return content.contains(digest) ? 0 : 11;
  auto& ingest = **begun;
  if (ingest.offset() != 0) return 12;  // nobody else appended to our partial
  for (size_t at = 0; at < data.size(); at += 4096)
    if (!ingest.write(std::string_view(data).substr(at, 4096))) return 13;
  auto committed = ingest.commit();
  return committed && *committed == digest ? 0 : 14;
}

TEST_F(ContentStoreTest, ConcurrentThreadsIngestingOneBlobAllSucceed) {
  auto data = pattern_data(512 * 1024);
  std::vector<std::thread> threads;
  std::vector<int> results(8, -1);
  for (int i = 0; i < 8; ++i)
    threads.emplace_back([&, i] {
      ContentStore content(paths_);
      results[i] = ingest_or_skip(content, data);
    });
  for (auto& thread : threads) thread.join();
  for (int result : results) EXPECT_EQ(result, 0);
  auto content = store();
  EXPECT_EQ(read_text(content.blob_path(Digest::of(data))), data);
  EXPECT_EQ(count_entries(paths_.ingest()), 0u);
}

TEST_F(ContentStoreTest, ConcurrentProcessesIngestingOneBlobAllSucceed) {
  auto data = pattern_data(2 * 1024 * 1024, 'q');
  auto statuses = testing::run_children_concurrently(6, [&](int) {
    ContentStore content(paths_);
    return ingest_or_skip(content, data);
  });
  for (int status : statuses) EXPECT_EQ(status, 0);
  auto content = store();
  EXPECT_EQ(read_text(content.blob_path(Digest::of(data))), data);
  EXPECT_EQ(count_entries(paths_.ingest()), 0u);
}

TEST_F(ContentStoreTest, StaleIngestsAreRemovedUnlessLockedOrRecent) {
  auto content = store();
  auto abandoned = Digest::of("abandoned");
  auto active = Digest::of("active");
  {
    auto begun = content.begin_ingest(abandoned, 0);
    ASSERT_TRUE(begun && begun->has_value());
    ASSERT_TRUE((*begun)->write("aband"));
  }
  write_text(paths_.ingest() / (std::string(Digest::of("crashed").hex()) + "-abc123.tmp"), "crashed write_blob");
  auto running = content.begin_ingest(active, 0);
  ASSERT_TRUE(running && running->has_value());
  ASSERT_TRUE((*running)->write("act"));

  // Young files survive a gc with a real age limit.
  auto young = content.remove_stale_ingests(std::chrono::hours(1));
  ASSERT_TRUE(young);
  EXPECT_EQ(young->files, 0u);
  EXPECT_EQ(count_entries(paths_.ingest()), 3u);

  // Old enough: the abandoned partial and the temporary go, the locked one stays.
  std::atomic<bool> done = false;
  ContentStore::StaleIngests removed;
  std::thread gc([&] {  // another thread: its flock is a different file description
    ContentStore other(paths_);
    auto result = other.remove_stale_ingests(std::chrono::seconds(0));
    if (result) removed = *result;
    done = true;
  });
  gc.join();
  ASSERT_TRUE(done);
  EXPECT_EQ(removed.files, 2u);
  EXPECT_FALSE(fs::exists(paths_.ingest() / (std::string(abandoned.hex()) + ".partial")));
  EXPECT_TRUE(fs::exists(paths_.ingest() / (std::string(active.hex()) + ".partial")));
  ASSERT_TRUE((*running)->write("ive"));
  EXPECT_TRUE((*running)->commit());
}

}  // namespace
}  // namespace berth::store
