// Which scheme the client uses where, and where it refuses to go.
#include <gtest/gtest.h>

#include "docker_registry.h"
#include "fake_http_server.h"
#include "private_network.h"
#include "registry/base64.h"
#include "registry/credentials.h"
#include "registry/registry_client.h"
#include "registry_test_support.h"

namespace berth {
namespace {

using namespace berth::testing;

const std::string kManifest =
    R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{},"layers":[]})";

class TransportPolicy : public ::testing::Test {
 protected:
  void SetUp() override { REQUIRE_PRIVATE_NETWORK(); }
  RegistryOptions options() const {
    RegistryOptions options;
    options.docker_config = dir_.path() / "config.json";
    options.certs_dirs = {};
    options.retry_backoff = std::chrono::milliseconds(1);
    return options;
  }
  TempDir dir_;
};

void serve_manifest(const FakeRequest& request, FakeConnection& c) {
  if (request.path == "/v2/") return c.respond(200, "OK", {}, "{}");
  c.respond(200, "OK", {{"Content-Type", "application/vnd.oci.image.manifest.v1+json"}}, kManifest);
}

TEST_F(TransportPolicy, LoopbackSpeaksPlainHttpDirectly) {
  FakeHttpServer server(serve_manifest);
  RegistryClient client(options());
  ASSERT_TRUE(client.get_manifest(reference_at(server.authority(), "x")));
  EXPECT_EQ(server.tls_attempts(), 0);
  EXPECT_EQ(server.request_count(), 1);
}

TEST_F(TransportPolicy, InsecureRegistryTriesHttpsThenFallsBackToHttp) {
  FakeHttpServer server(serve_manifest);
  auto opts = options();
  opts.insecure_registries = {"http://" + server.authority() + "/"};  // the way users tend to write it
  RegistryClient client(opts);
  for (int i = 0; i < 2; ++i) {
    auto manifest = client.get_manifest(reference_at(server.authority(), "x"));
    ASSERT_TRUE(manifest) << manifest.error().message;
  }
  EXPECT_EQ(server.tls_attempts(), 1) << "https is tried once per client, then the answer is remembered";
  EXPECT_EQ(server.count("/v2/x/manifests/"), 2);
}

TEST_F(TransportPolicy, NoPlainHttpRedirectOffLoopback) {
  FakeHttpServer server([](const FakeRequest&, FakeConnection& c) {
    c.respond(302, "Found", {{"Location", "http://storage.example.com/blob"}});
  });
  RegistryClient client(options());
  std::string sink;
  auto status = client.fetch_blob(reference_at(server.authority(), "x"), Digest::of("b"), 0, appender(sink));
  ASSERT_FALSE(status);
  EXPECT_NE(status.error().message.find("refusing plain http to storage.example.com"), std::string::npos)
      << status.error().message;
}

TEST_F(TransportPolicy, IdentityTokenUsesTheRefreshGrant) {
  FakeHttpServer server([&](const FakeRequest& request, FakeConnection& c) {
    if (request.path == "/oauth") {
      EXPECT_EQ(request.method, "POST");
      EXPECT_EQ(request.header("content-type"), "application/x-www-form-urlencoded");
      EXPECT_NE(request.body.find("grant_type=refresh_token"), std::string::npos) << request.body;
      EXPECT_NE(request.body.find("refresh_token=refresh%2Fme"), std::string::npos) << request.body;
      EXPECT_NE(request.body.find("scope=repository%3Ax%3Apull"), std::string::npos) << request.body;
      return c.respond(200, "OK", {}, R"({"access_token":"from-refresh"})");
    }
    if (request.header("authorization") == "Bearer from-refresh") return serve_manifest(request, c);
    c.respond(401, "Unauthorized",
              {{"WWW-Authenticate", R"(Bearer realm="http://)" + server.authority() + R"(/oauth",service="svc")"}});
  });
  ASSERT_TRUE(store_credentials(dir_.path() / "config.json", server.authority(),
                                {.username = "u", .password = "", .identity_token = "refresh/me"}));
  RegistryClient client(options());
  auto manifest = client.get_manifest(reference_at(server.authority(), "x"));
  ASSERT_TRUE(manifest) << manifest.error().message;
  EXPECT_EQ(server.count("/oauth"), 1);
}

TEST_F(TransportPolicy, UnreachableRegistryIsRetriedThenNamed) {
  int port = 0;
  {
    FakeHttpServer closed([](const FakeRequest&, FakeConnection&) {});
    port = closed.port();
  }  // nothing listens there any more
  RegistryClient client(options());
  auto manifest = client.get_manifest(reference_at("127.0.0.1:" + std::to_string(port), "x"));
  ASSERT_FALSE(manifest);
  EXPECT_NE(manifest.error().message.find(fmt::format("GET http://127.0.0.1:{}/v2/x/manifests/latest: ", port)),
            std::string::npos)
      << manifest.error().message;
}

}  // namespace
}  // namespace berth
