// push_blob against fake registries: retries start the upload over, and the
// registry's word on the stored digest is checked.
#include <gtest/gtest.h>

#include "docker_registry.h"
#include "fake_http_server.h"
#include "private_network.h"
#include "registry/registry_client.h"
#include "registry_test_support.h"

namespace berth {
namespace {

using namespace berth::testing;

class PushFake : public ::testing::Test {
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
  std::string blob_ = pseudo_random_bytes(100000, 9);
  Digest digest_ = Digest::of(blob_);
};

TEST_F(PushFake, ABrokenUploadStartsOverAndRereadsTheSource) {
  int puts = 0;
  FakeHttpServer server([&](const FakeRequest& request, FakeConnection& c) {
    if (request.method == "HEAD") return c.respond(404, "Not Found");
    if (request.method == "POST") {
      return c.respond(202, "Accepted",
                       {{"Location", "/v2/x/blobs/uploads/u" + std::to_string(server.request_count())}});
    }
    if (request.method == "PUT" && ++puts == 1) return;  // hang up without an answer
    EXPECT_EQ(request.body, blob_);
    c.respond(201, "Created", {{"Docker-Content-Digest", digest_.str()}});
  });
  int reads_from_zero = 0;
  RegistryClient::BlobUpload upload{
      .digest = digest_, .size = blob_.size(), .read_at = [&](uint64_t offset, std::span<std::byte> buffer) {
        reads_from_zero += offset == 0 ? 1 : 0;
        return reader_of(blob_)(offset, buffer);
      }};
  auto pushed = client().push_blob(reference_at(server.authority(), "x"), upload);
  ASSERT_TRUE(pushed) << pushed.error().message;
  EXPECT_EQ(puts, 2);
  EXPECT_EQ(reads_from_zero, 2);
  EXPECT_EQ(server.count("/v2/x/blobs/uploads/"), 4) << "POST, PUT, POST again, PUT";
  auto requests = server.requests();
  EXPECT_EQ(requests.back().target,
            "/v2/x/blobs/uploads/u4?digest=" + std::string("sha256%3a") + std::string(digest_.hex()));
}

TEST_F(PushFake, RegistryStoringOtherContentIsAnError) {
  Digest other = Digest::of("other");
  FakeHttpServer server([&](const FakeRequest& request, FakeConnection& c) {
    if (request.method == "HEAD") return c.respond(404, "Not Found");
    if (request.method == "POST") return c.respond(202, "Accepted", {{"Location", "/up"}});
    c.respond(201, "Created", {{"Docker-Content-Digest", other.str()}});
  });
  RegistryClient::BlobUpload upload{.digest = digest_, .size = blob_.size(), .read_at = reader_of(blob_)};
  auto pushed = client().push_blob(reference_at(server.authority(), "x"), upload);
  ASSERT_FALSE(pushed);
  EXPECT_EQ(pushed.error().message, fmt::format("push blob {}: registry stored it as {}", digest_, other));
}

TEST_F(PushFake, SourceErrorsAreNotRetried) {
  FakeHttpServer server([&](const FakeRequest& request, FakeConnection& c) {
    if (request.method == "HEAD") return c.respond(404, "Not Found");
    if (request.method == "POST") return c.respond(202, "Accepted", {{"Location", "/up"}});
    c.respond(201, "Created");
  });
  RegistryClient::BlobUpload upload{
      .digest = digest_, .size = blob_.size(), .read_at = [](uint64_t, std::span<std::byte>) -> Result<size_t> {
        return fail("read blob: Input/output error");
      }};
  auto pushed = client().push_blob(reference_at(server.authority(), "x"), upload);
  ASSERT_FALSE(pushed);
  EXPECT_EQ(pushed.error().message,
            fmt::format("push blob {}: PUT {}: read blob: Input/output error", digest_, server.url("/up")));
  EXPECT_EQ(server.count("/up"), 0) << "the PUT never completed";
}

TEST_F(PushFake, StreamedUploadIsOnePatchWithoutRangeThenAnEmptyPut) {
  FakeHttpServer server([&](const FakeRequest& request, FakeConnection& c) {
    if (request.method == "HEAD") return c.respond(404, "Not Found");
    if (request.method == "POST") return c.respond(202, "Accepted", {{"Location", "/up/1"}});
    if (request.method == "PATCH") return c.respond(202, "Accepted", {{"Location", "/up/2"}});
    c.respond(201, "Created", {{"Docker-Content-Digest", digest_.str()}});
  });
  RegistryClient::BlobUpload upload{.digest = digest_,
                                    .size = blob_.size(),
                                    .read_at = reader_of(blob_),
                                    .mode = RegistryClient::BlobUpload::Mode::streamed,
                                    .chunk_size = 1000};
  auto pushed = client().push_blob(reference_at(server.authority(), "x"), upload);
  ASSERT_TRUE(pushed) << pushed.error().message;
  auto requests = server.requests();
  ASSERT_EQ(requests.size(), 4u);
  EXPECT_EQ(requests[1].method, "POST");
  EXPECT_EQ(requests[2].method, "PATCH");
  EXPECT_EQ(requests[2].path, "/up/1");
  EXPECT_EQ(requests[2].header("content-range"), "") << "chunk_size applies to chunked uploads only";
  EXPECT_TRUE(requests[2].body == blob_) << requests[2].body.size() << " bytes";
  EXPECT_EQ(requests[3].method, "PUT");
  EXPECT_EQ(requests[3].path, "/up/2") << "the PATCH's answer names where the PUT goes";
  EXPECT_EQ(requests[3].body, "");
}

}  // namespace
}  // namespace berth
