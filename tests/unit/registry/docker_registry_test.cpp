// RegistryClient against Debian's docker-registry (distribution 2.8) on
// loopback in this test's own network namespace.
#include "docker_registry.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "private_network.h"
#include "registry/registry_client.h"
#include "registry_test_support.h"

namespace berth {
namespace {

using namespace berth::testing;

class AgainstDockerRegistry : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!private_network_problem().empty() || ::access(DockerRegistry::kBinary, X_OK) != 0) return;
    registry_ = DockerRegistry::start(start_error_).release();
  }
  static void TearDownTestSuite() {
    delete registry_;
    registry_ = nullptr;
  }
  void SetUp() override {
    REQUIRE_PRIVATE_NETWORK();
    if (::access(DockerRegistry::kBinary, X_OK) != 0) GTEST_SKIP() << DockerRegistry::kBinary << " is not installed";
    ASSERT_NE(registry_, nullptr) << start_error_;
  }

  RegistryOptions options() const {
    RegistryOptions options;
    options.docker_config = config_dir_.path() / "config.json";  // absent: anonymous
    options.certs_dirs = {};
    options.retry_backoff = std::chrono::milliseconds(10);
    return options;
  }
  ImageReference repo(const std::string& name) const { return reference_at(registry_->authority(), name); }
  std::string url(const std::string& path) const { return "http://" + registry_->authority() + path; }

  // Pushes bytes as a blob; returns its digest.
  Digest push(RegistryClient& client, const std::string& repository, const std::string& bytes) {
    RegistryClient::BlobUpload upload{.digest = Digest::of(bytes), .size = bytes.size(), .read_at = reader_of(bytes)};
    auto pushed = client.push_blob(repo(repository), upload);
    EXPECT_TRUE(pushed) << pushed.error().message;
    return upload.digest;
  }

  static DockerRegistry* registry_;
  static std::string start_error_;
  TempDir config_dir_;
};

DockerRegistry* AgainstDockerRegistry::registry_ = nullptr;
std::string AgainstDockerRegistry::start_error_;

TEST_F(AgainstDockerRegistry, PushMonolithicThenItExists) {
  RegistryClient client(options());
  std::string bytes = pseudo_random_bytes(3 << 20, 11);
  Digest digest = Digest::of(bytes);
  auto before = client.blob_exists(repo("mono/x"), digest);
  ASSERT_TRUE(before) << before.error().message;
  EXPECT_FALSE(*before);

  uint64_t last_done = 0, last_total = 0;
  RegistryClient::BlobUpload upload{.digest = digest, .size = bytes.size(), .read_at = reader_of(bytes)};
  auto pushed = client.push_blob(repo("mono/x"), upload, {.on_bytes = [&](uint64_t done, uint64_t total) {
                                   EXPECT_GE(done, last_done);
                                   last_done = done;
                                   last_total = total;
                                 }});
  ASSERT_TRUE(pushed) << pushed.error().message;
  EXPECT_EQ(last_done, bytes.size());
  EXPECT_EQ(last_total, bytes.size());

  auto after = client.blob_exists(repo("mono/x"), digest);
  ASSERT_TRUE(after) << after.error().message;
  EXPECT_TRUE(*after);
  std::string fetched;
  ASSERT_TRUE(client.fetch_blob(repo("mono/x"), digest, 0, appender(fetched)));
  EXPECT_TRUE(fetched == bytes) << "fetched " << fetched.size() << " bytes, pushed " << bytes.size();
}

TEST_F(AgainstDockerRegistry, PushChunkedInOddSizes) {
  RegistryClient client(options());
  std::string bytes = pseudo_random_bytes((5 << 20) + 12345, 12);
  Digest digest = Digest::of(bytes);
  int reads = 0;
  RegistryClient::BlobUpload upload{.digest = digest,
                                    .size = bytes.size(),
                                    .read_at =
                                        [&](uint64_t offset, std::span<std::byte> buffer) {
                                          ++reads;
                                          return reader_of(bytes)(offset, buffer);
                                        },
                                    .mode = RegistryClient::BlobUpload::Mode::chunked,
                                    .chunk_size = (1 << 20) + 7};
  uint64_t last_done = 0;
  auto pushed = client.push_blob(repo("chunked/x"), upload, {.on_bytes = [&](uint64_t done, uint64_t) {
                                   EXPECT_GE(done, last_done);
                                   last_done = done;
                                 }});
  ASSERT_TRUE(pushed) << pushed.error().message;
  EXPECT_GT(reads, 5);
  EXPECT_EQ(last_done, bytes.size());
  auto exists = client.blob_exists(repo("chunked/x"), digest);
  ASSERT_TRUE(exists && *exists);
  auto small = client.fetch_small_blob(repo("chunked/x"), digest, 8 << 20);
  ASSERT_TRUE(small) << small.error().message;
  EXPECT_TRUE(*small == bytes);
  auto too_small = client.fetch_small_blob(repo("chunked/x"), digest, 1 << 20);
  ASSERT_FALSE(too_small);
  EXPECT_NE(too_small.error().message.find("larger than 1048576 bytes"), std::string::npos)
      << too_small.error().message;
}

TEST_F(AgainstDockerRegistry, PushSkipsBlobsTheRegistryHas) {
  RegistryClient client(options());
  std::string bytes = pseudo_random_bytes(1000, 13);
  push(client, "skip/x", bytes);
  int reads = 0;
  RegistryClient::BlobUpload again{.digest = Digest::of(bytes),
                                   .size = bytes.size(),
                                   .read_at = [&](uint64_t, std::span<std::byte>) -> Result<size_t> {
                                     ++reads;
                                     return fail("must not be read");
                                   }};
  auto skipped = client.push_blob(repo("skip/x"), again);
  ASSERT_TRUE(skipped) << skipped.error().message;
  EXPECT_EQ(*skipped, RegistryClient::BlobPushOutcome::already_present);
  EXPECT_EQ(reads, 0);
}

TEST_F(AgainstDockerRegistry, CrossRepositoryMount) {
  RegistryClient client(options());
  std::string bytes = pseudo_random_bytes(200000, 14);
  Digest digest = push(client, "mount/source", bytes);
  int reads = 0;
  RegistryClient::BlobUpload upload{.digest = digest,
                                    .size = bytes.size(),
                                    .read_at =
                                        [&](uint64_t offset, std::span<std::byte> buffer) {
                                          ++reads;
                                          return reader_of(bytes)(offset, buffer);
                                        },
                                    .mount_from_repository = "mount/source"};
  ASSERT_FALSE(*client.blob_exists(repo("mount/target"), digest));
  auto mounted = client.push_blob(repo("mount/target"), upload);
  ASSERT_TRUE(mounted) << mounted.error().message;
  EXPECT_EQ(*mounted, RegistryClient::BlobPushOutcome::mounted);
  EXPECT_EQ(reads, 0) << "the blob was uploaded instead of mounted";
  EXPECT_TRUE(*client.blob_exists(repo("mount/target"), digest));

  // Mounting from a repository without the blob falls back to an upload.
  std::string other = pseudo_random_bytes(5000, 15);
  RegistryClient::BlobUpload fallback{.digest = Digest::of(other),
                                      .size = other.size(),
                                      .read_at = reader_of(other),
                                      .mount_from_repository = "mount/nowhere"};
  auto uploaded = client.push_blob(repo("mount/target"), fallback);
  ASSERT_TRUE(uploaded) << uploaded.error().message;
  EXPECT_EQ(*uploaded, RegistryClient::BlobPushOutcome::uploaded);
  EXPECT_TRUE(*client.blob_exists(repo("mount/target"), fallback.digest));
}

TEST_F(AgainstDockerRegistry, PutManifestThenGetByTagAndDigest) {
  RegistryClient client(options());
  std::string config = R"({"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}})";
  std::string layer = pseudo_random_bytes(4096, 16);
  Digest config_digest = push(client, "app/web", config);
  Digest layer_digest = push(client, "app/web", layer);
  Manifest manifest;
  manifest.media_type = "application/vnd.docker.distribution.manifest.v2+json";
  manifest.bytes = fmt::format(
      R"({{"schemaVersion":2,"mediaType":"{}","config":{{"mediaType":"application/vnd.docker.container.image.v1+json","size":{},"digest":"{}"}},"layers":[{{"mediaType":"application/vnd.docker.image.rootfs.diff.tar.gzip","size":{},"digest":"{}"}}]}})",
      manifest.media_type, config.size(), config_digest.str(), layer.size(), layer_digest.str());
  auto tagged = parse_reference(registry_->authority() + "/app/web:v1");
  ASSERT_TRUE(tagged);
  auto put = client.put_manifest(*tagged, manifest);
  ASSERT_TRUE(put) << put.error().message;
  EXPECT_EQ(*put, Digest::of(manifest.bytes));

  auto by_tag = client.get_manifest(*tagged);
  ASSERT_TRUE(by_tag) << by_tag.error().message;
  EXPECT_EQ(by_tag->bytes, manifest.bytes);
  EXPECT_EQ(by_tag->media_type, manifest.media_type);
  EXPECT_EQ(by_tag->digest, *put);

  auto by_digest = client.get_manifest(repo("app/web"), *put);
  ASSERT_TRUE(by_digest) << by_digest.error().message;
  EXPECT_EQ(by_digest->bytes, manifest.bytes);
  EXPECT_EQ(by_digest->digest, *put);

  // An OCI index naming the manifest, pushed by digest only.
  Manifest index;
  index.media_type = "application/vnd.oci.image.index.v1+json";
  index.bytes = fmt::format(
      R"({{"schemaVersion":2,"mediaType":"{}","manifests":[{{"mediaType":"{}","size":{},"digest":"{}","platform":{{"architecture":"amd64","os":"linux"}}}}]}})",
      index.media_type, manifest.media_type, manifest.bytes.size(), put->str());
  ImageReference index_ref = repo("app/web");
  index_ref.tag.clear();
  index_ref.digest = Digest::of(index.bytes);
  auto put_index = client.put_manifest(index_ref, index);
  ASSERT_TRUE(put_index) << put_index.error().message;
  auto got_index = client.get_manifest(index_ref);
  ASSERT_TRUE(got_index) << got_index.error().message;
  EXPECT_EQ(got_index->media_type, index.media_type);
  EXPECT_EQ(got_index->digest, *index_ref.digest);
}

TEST_F(AgainstDockerRegistry, FetchBlobFromAnOffset) {
  RegistryClient client(options());
  std::string bytes = pseudo_random_bytes(300000, 17);
  Digest digest = push(client, "offset/x", bytes);
  std::string tail;
  uint64_t reported_total = 0;
  auto fetched = client.fetch_blob(repo("offset/x"), digest, 123457, appender(tail),
                                   {.on_bytes = [&](uint64_t, uint64_t total) { reported_total = total; }});
  ASSERT_TRUE(fetched) << fetched.error().message;
  EXPECT_TRUE(tail == bytes.substr(123457)) << tail.size();
  EXPECT_EQ(reported_total, bytes.size());

  // Starting at the very end is a finished download (the registry answers 416), not an error.
  std::string nothing;
  auto at_end = client.fetch_blob(repo("offset/x"), digest, bytes.size(), appender(nothing));
  ASSERT_TRUE(at_end) << at_end.error().message;
  EXPECT_TRUE(nothing.empty());
}

TEST_F(AgainstDockerRegistry, NotFoundCarriesTheRegistrysMessage) {
  RegistryClient client(options());
  auto missing = client.get_manifest(repo("nothing/here"));
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().message,
            "GET " + url("/v2/nothing/here/manifests/latest") + ": 404 Not Found: manifest unknown");

  Digest unknown = Digest::of("never pushed");
  std::string sink;
  auto blob = client.fetch_blob(repo("nothing/here"), unknown, 0, appender(sink));
  ASSERT_FALSE(blob);
  EXPECT_EQ(blob.error().message, "fetch blob " + unknown.str() + ": GET " +
                                      url("/v2/nothing/here/blobs/" + unknown.str()) +
                                      ": 404 Not Found: blob unknown to registry");
  auto exists = client.blob_exists(repo("nothing/here"), unknown);
  ASSERT_TRUE(exists) << exists.error().message;
  EXPECT_FALSE(*exists);
  auto by_digest = client.get_manifest(repo("nothing/here"), unknown);
  ASSERT_FALSE(by_digest);
  EXPECT_NE(by_digest.error().message.find("404 Not Found: manifest unknown"), std::string::npos)
      << by_digest.error().message;
}

TEST_F(AgainstDockerRegistry, InvalidManifestIsRefusedWithTheRegistrysMessage) {
  RegistryClient client(options());
  Manifest manifest{
      .bytes =
          R"({"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json","config":{"mediaType":"application/vnd.docker.container.image.v1+json","size":3,"digest":"sha256:0000000000000000000000000000000000000000000000000000000000000000"},"layers":[]})",
      .media_type = "application/vnd.docker.distribution.manifest.v2+json"};
  auto put = client.put_manifest(*parse_reference(registry_->authority() + "/bad/x:v1"), manifest);
  ASSERT_FALSE(put);
  EXPECT_NE(put.error().message.find("PUT " + url("/v2/bad/x/manifests/v1") + ": 400 Bad Request: "), std::string::npos)
      << put.error().message;
}

TEST_F(AgainstDockerRegistry, ParallelFetchesShareOneClient) {
  RegistryClient client(options());
  std::string bytes = pseudo_random_bytes(2 << 20, 18);
  Digest digest = push(client, "parallel/x", bytes);
  std::atomic<int> matches{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 6; ++i) {
    threads.emplace_back([&, i] {
      std::string fetched;
      auto offset = static_cast<uint64_t>(i) * 1000;
      if (client.fetch_blob(repo("parallel/x"), digest, offset, appender(fetched)) && fetched == bytes.substr(offset)) {
        ++matches;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(matches.load(), 6);
}

}  // namespace
}  // namespace berth
