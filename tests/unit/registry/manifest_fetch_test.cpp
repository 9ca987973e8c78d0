// get_manifest against registries that lie, ramble or answer garbage.
#include <gtest/gtest.h>

#include "docker_registry.h"
#include "fake_http_server.h"
#include "private_network.h"
#include "registry/registry_client.h"
#include "registry_test_support.h"

namespace berth {
namespace {

using namespace berth::testing;

constexpr std::string_view kOciManifest = "application/vnd.oci.image.manifest.v1+json";
const std::string kManifest =
    R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{},"layers":[]})";

class ManifestFetch : public ::testing::Test {
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
};

TEST_F(ManifestFetch, AsksForTheFourManifestKinds) {
  FakeHttpServer server([](const FakeRequest&, FakeConnection& c) {
    c.respond(200, "OK", {{"Content-Type", std::string(kOciManifest)}}, kManifest);
  });
  auto manifest = client().get_manifest(reference_at(server.authority(), "x"));
  ASSERT_TRUE(manifest) << manifest.error().message;
  EXPECT_EQ(manifest->media_type, kOciManifest);
  EXPECT_EQ(manifest->digest, Digest::of(kManifest));
  std::string accept = server.requests().at(0).header("accept");
  for (auto type : {"application/vnd.oci.image.index.v1+json", "application/vnd.oci.image.manifest.v1+json",
                    "application/vnd.docker.distribution.manifest.list.v2+json",
                    "application/vnd.docker.distribution.manifest.v2+json"}) {
    EXPECT_NE(accept.find(type), std::string::npos) << accept;
  }
}

TEST_F(ManifestFetch, NotHttpAtAll) {
  FakeHttpServer server([](const FakeRequest&, FakeConnection& c) { c.send("\x16\x03\x01 SSH-2.0-garbage\r\n\r\n"); });
  auto manifest = client().get_manifest(reference_at(server.authority(), "x"));
  ASSERT_FALSE(manifest);
  EXPECT_TRUE(manifest.error().message.starts_with("GET " + server.url("/v2/x/manifests/latest") + ": "))
      << manifest.error().message;
  EXPECT_EQ(server.request_count(), 1) << "garbage is not a transient failure";
}

TEST_F(ManifestFetch, GarbageBodyIsNamed) {
  FakeHttpServer server([](const FakeRequest&, FakeConnection& c) {
    c.respond(200, "OK", {{"Content-Type", std::string(kOciManifest)}}, "\x89PNG\r\n\x1a\n not json");
  });
  auto manifest = client().get_manifest(reference_at(server.authority(), "x"));
  ASSERT_FALSE(manifest);
  EXPECT_EQ(manifest.error().message, "GET " + server.url("/v2/x/manifests/latest") + ": manifest is not valid JSON");
}

TEST_F(ManifestFetch, GarbageErrorBodyStaysOnOneLine) {
  FakeHttpServer server([](const FakeRequest&, FakeConnection& c) {
    c.respond(500, "Internal Server Error", {{"Content-Type", "text/html"}},
              "<html>\n<h1>Oops</h1>\n\x01\x02</html>" + std::string(100000, 'z'));
  });
  auto manifest = client().get_manifest(reference_at(server.authority(), "x"));
  ASSERT_FALSE(manifest);
  const auto& message = manifest.error().message;
  EXPECT_TRUE(message.starts_with("GET " + server.url("/v2/x/manifests/latest") +
                                  ": 500 Internal Server Error: <html> <h1>Oops</h1> ?"
                                  "?</html>zzz"))
      << message;
  EXPECT_EQ(message.find('\n'), std::string::npos);
  EXPECT_LT(message.size(), 400u);
}

TEST_F(ManifestFetch, WrongDockerContentDigest) {
  Digest other = Digest::of("something else");
  FakeHttpServer server([&](const FakeRequest&, FakeConnection& c) {
    c.respond(200, "OK", {{"Content-Type", std::string(kOciManifest)}, {"Docker-Content-Digest", other.str()}},
              kManifest);
  });
  auto manifest = client().get_manifest(reference_at(server.authority(), "x"));
  ASSERT_FALSE(manifest);
  EXPECT_NE(manifest.error().message.find("digest mismatch: Docker-Content-Digest says " + other.str()),
            std::string::npos)
      << manifest.error().message;
}

TEST_F(ManifestFetch, ContentNotMatchingTheRequestedDigest) {
  FakeHttpServer server([](const FakeRequest&, FakeConnection& c) {
    c.respond(200, "OK", {{"Content-Type", std::string(kOciManifest)}}, kManifest);
  });
  Digest wanted = Digest::of("the manifest we asked for");
  auto ref = reference_at(server.authority(), "x");
  ref.digest = wanted;
  auto manifest = client().get_manifest(ref);
  ASSERT_FALSE(manifest);
  EXPECT_EQ(manifest.error().message, "manifest " + wanted.str() +
                                          ": digest mismatch: registry sent content with digest " +
                                          Digest::of(kManifest).str());
  EXPECT_EQ(server.requests().at(0).path, "/v2/x/manifests/" + wanted.str());
}

TEST_F(ManifestFetch, OverFourMebibytes) {
  std::string huge = R"({"schemaVersion":2,"layers":[)" + std::string(5 << 20, ' ') + "]}";
  FakeHttpServer server([&](const FakeRequest&, FakeConnection& c) {
    c.respond(200, "OK", {{"Content-Type", std::string(kOciManifest)}}, huge);
  });
  auto manifest = client().get_manifest(reference_at(server.authority(), "x"));
  ASSERT_FALSE(manifest);
  EXPECT_EQ(manifest.error().message,
            "GET " + server.url("/v2/x/manifests/latest") + ": manifest is larger than 4 MiB");
}

TEST_F(ManifestFetch, UnrequestedMediaType) {
  FakeHttpServer server([](const FakeRequest&, FakeConnection& c) {
    c.respond(200, "OK", {{"Content-Type", "application/vnd.example.thing+json"}},
              R"({"schemaVersion":2,"mediaType":"application/vnd.example.thing+json"})");
  });
  auto manifest = client().get_manifest(reference_at(server.authority(), "x"));
  ASSERT_FALSE(manifest);
  EXPECT_EQ(manifest.error().message, "GET " + server.url("/v2/x/manifests/latest") +
                                          ": unrequested media type application/vnd.example.thing+json");
}

TEST_F(ManifestFetch, ServiceUnavailableIsRetried) {
  FakeHttpServer server([&](const FakeRequest&, FakeConnection& c) {
    if (server.request_count() < 3) {
      c.respond(503, "Service Unavailable", {}, "busy");
    } else {
      c.respond(200, "OK", {{"Content-Type", std::string(kOciManifest)}}, kManifest);
    }
  });
  auto manifest = client().get_manifest(reference_at(server.authority(), "x"));
  ASSERT_TRUE(manifest) << manifest.error().message;
  EXPECT_EQ(server.request_count(), 3);
}

}  // namespace
}  // namespace berth
