// fetch_blob against servers that break connections, ignore Range, loop
// redirects or resume at the wrong place.
#include <gtest/gtest.h>

#include "docker_registry.h"
#include "fake_http_server.h"
#include "private_network.h"
#include "registry/registry_client.h"
#include "registry_test_support.h"

namespace berth {
namespace {

using namespace berth::testing;

constexpr size_t kBlobSize = 5 << 20;
constexpr size_t kCut = 1 << 20;

class BlobFetch : public ::testing::Test {
 protected:
  void SetUp() override { REQUIRE_PRIVATE_NETWORK(); }
  RegistryClient client() const {
    RegistryOptions options;
    options.docker_config = dir_.path() / "config.json";
    options.certs_dirs = {};
    options.retry_backoff = std::chrono::milliseconds(1);
    return RegistryClient(options);
  }
  TempDir dir_;
  std::string blob_ = pseudo_random_bytes(kBlobSize, 7);
  Digest digest_ = Digest::of(blob_);
};

// Announces the whole blob, sends the first kCut bytes, hangs up.
void send_cut(FakeConnection& c, const std::string& blob) {
  c.respond_head(200, "OK", {{"Content-Length", std::to_string(blob.size())}});
  c.send(std::string_view(blob).substr(0, kCut));
}

uint64_t range_start(const FakeRequest& request) {
  std::string range = request.header("range");
  if (!range.starts_with("bytes=")) return 0;
  return std::stoull(range.substr(6));
}

TEST_F(BlobFetch, ResumesWithRangeAfterAConnectionCloses) {
  FakeHttpServer server([&](const FakeRequest& request, FakeConnection& c) {
    if (server.request_count() == 1) return send_cut(c, blob_);
    uint64_t start = range_start(request);
    c.respond(206, "Partial Content",
              {{"Content-Range", fmt::format("bytes {}-{}/{}", start, blob_.size() - 1, blob_.size())}},
              std::string_view(blob_).substr(start));
  });
  std::string fetched;
  uint64_t done = 0, total = 0;
  auto status = client().fetch_blob(reference_at(server.authority(), "x"), digest_, 0, appender(fetched),
                                    {.on_bytes = [&](uint64_t d, uint64_t t) { done = d, total = t; }});
  ASSERT_TRUE(status) << status.error().message;
  EXPECT_EQ(fetched.size(), blob_.size());
  EXPECT_TRUE(fetched == blob_) << "the sink must see every byte exactly once, in order";
  ASSERT_EQ(server.request_count(), 2);
  EXPECT_EQ(server.requests()[0].header("range"), "");
  EXPECT_EQ(server.requests()[1].header("range"), fmt::format("bytes={}-", kCut));
  EXPECT_EQ(done, blob_.size());
  EXPECT_EQ(total, blob_.size());
}

TEST_F(BlobFetch, ResumesFromAServerThatIgnoresRange) {
  FakeHttpServer server([&](const FakeRequest&, FakeConnection& c) {
    if (server.request_count() == 1) return send_cut(c, blob_);
    c.respond(200, "OK", {}, blob_);  // from byte 0 again
  });
  std::string fetched;
  auto status = client().fetch_blob(reference_at(server.authority(), "x"), digest_, 0, appender(fetched));
  ASSERT_TRUE(status) << status.error().message;
  EXPECT_TRUE(fetched == blob_) << fetched.size();
  EXPECT_EQ(server.request_count(), 2);
}

TEST_F(BlobFetch, GivesUpAfterMaxAttemptsNamingTheBytes) {
  FakeHttpServer server([&](const FakeRequest&, FakeConnection& c) { send_cut(c, blob_); });
  std::string fetched;
  auto status = client().fetch_blob(reference_at(server.authority(), "x"), digest_, 0, appender(fetched));
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().message, fmt::format("fetch blob {}: connection closed after {} of {} bytes (4 attempts)",
                                                digest_, kCut, kBlobSize));
  EXPECT_EQ(server.request_count(), 4);
  EXPECT_EQ(fetched.size(), kCut) << "bytes re-sent by a server that ignores Range reach the sink once";
}

TEST_F(BlobFetch, RedirectLoop) {
  FakeHttpServer server([&](const FakeRequest& request, FakeConnection& c) {
    c.respond(302, "Found", {{"Location", request.path == "/a" ? "/b" : "/a"}});
  });
  std::string fetched;
  auto status = client().fetch_blob(reference_at(server.authority(), "x"), digest_, 0, appender(fetched));
  ASSERT_FALSE(status);
  EXPECT_NE(status.error().message.find("too many redirects (more than 8)"), std::string::npos)
      << status.error().message;
  EXPECT_EQ(server.request_count(), 9);
}

TEST_F(BlobFetch, RedirectKeepsTheRange) {
  FakeHttpServer storage([&](const FakeRequest& request, FakeConnection& c) {
    uint64_t start = range_start(request);
    c.respond(206, "Partial Content",
              {{"Content-Range", fmt::format("bytes {}-{}/{}", start, blob_.size() - 1, blob_.size())}},
              std::string_view(blob_).substr(start));
  });
  FakeHttpServer registry([&](const FakeRequest&, FakeConnection& c) {
    c.respond(307, "Temporary Redirect", {{"Location", storage.url("/data")}});
  });
  std::string fetched;
  auto status = client().fetch_blob(reference_at(registry.authority(), "x"), digest_, 4242, appender(fetched));
  ASSERT_TRUE(status) << status.error().message;
  EXPECT_TRUE(fetched == blob_.substr(4242));
  EXPECT_EQ(storage.requests().at(0).header("range"), "bytes=4242-");
}

TEST_F(BlobFetch, ResumingAtTheWrongPlaceIsAnError) {
  FakeHttpServer server([&](const FakeRequest&, FakeConnection& c) {
    c.respond(206, "Partial Content", {{"Content-Range", fmt::format("bytes 0-{}/{}", blob_.size() - 1, blob_.size())}},
              blob_);
  });
  std::string fetched;
  auto status = client().fetch_blob(reference_at(server.authority(), "x"), digest_, 1000, appender(fetched));
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().message, fmt::format("fetch blob {}: server resumed at byte 0 instead of 1000", digest_));
  EXPECT_TRUE(fetched.empty());
}

TEST_F(BlobFetch, ASinkErrorStopsTheTransferUnchanged) {
  FakeHttpServer server([&](const FakeRequest&, FakeConnection& c) { c.respond(200, "OK", {}, blob_); });
  auto status = client().fetch_blob(reference_at(server.authority(), "x"), digest_, 0,
                                    [](std::span<const std::byte>) -> Status { return fail("disk full"); });
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().message, "disk full");
  EXPECT_EQ(server.request_count(), 1);
}

TEST_F(BlobFetch, RangeNotSatisfiableAtTheEndMeansDone) {
  FakeHttpServer server([&](const FakeRequest&, FakeConnection& c) {
    c.respond(416, "Range Not Satisfiable", {{"Content-Range", fmt::format("bytes */{}", blob_.size())}});
  });
  std::string fetched;
  EXPECT_TRUE(client().fetch_blob(reference_at(server.authority(), "x"), digest_, blob_.size(), appender(fetched)));
  auto beyond = client().fetch_blob(reference_at(server.authority(), "x"), digest_, 7, appender(fetched));
  ASSERT_FALSE(beyond);
  EXPECT_NE(beyond.error().message.find("416 Range Not Satisfiable"), std::string::npos) << beyond.error().message;
}

TEST_F(BlobFetch, SmallBlobWithTheWrongDigest) {
  FakeHttpServer server([&](const FakeRequest&, FakeConnection& c) { c.respond(200, "OK", {}, "not the config"); });
  auto config = client().fetch_small_blob(reference_at(server.authority(), "x"), digest_, 1 << 20);
  ASSERT_FALSE(config);
  EXPECT_EQ(config.error().message, fmt::format("blob {}: digest mismatch: registry sent content with digest {}",
                                                digest_, Digest::of("not the config")));
}

}  // namespace
}  // namespace berth
