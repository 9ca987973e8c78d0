// Authorization against fake registries: the Bearer token dance (anonymous
// and with credentials), token caching, Basic, login checks, and where
// credentials must not go.
#include <gtest/gtest.h>

#include <fstream>

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

constexpr std::string_view kManifest =
    R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{},"layers":[]})";

void respond_manifest(FakeConnection& connection) {
  connection.respond(200, "OK", {{"Content-Type", "application/vnd.oci.image.manifest.v1+json"}}, kManifest);
}

void respond_unauthorized(FakeConnection& connection, const std::string& challenge) {
  connection.respond(401, "Unauthorized", {{"WWW-Authenticate", challenge}, {"Content-Type", "application/json"}},
                     R"({"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]})");
}

// A registry that wants Bearer tokens from its own /token endpoint. When
// `required` is set, the token endpoint wants exactly those Basic credentials.
class BearerRegistry {
 public:
  explicit BearerRegistry(std::optional<std::string> required_basic = std::nullopt)
      : required_basic_(std::move(required_basic)),
        server_([this](const FakeRequest& request, FakeConnection& c) { handle(request, c); }) {}

  FakeHttpServer& server() { return server_; }
  std::string authority() const { return server_.authority(); }

 private:
  void handle(const FakeRequest& request, FakeConnection& connection) {
    if (request.path == "/token") {
      if (required_basic_ && request.header("authorization") != "Basic " + *required_basic_) {
        connection.respond(401, "Unauthorized", {{"Content-Type", "application/json"}},
                           R"({"details":"incorrect username or password"})");
        return;
      }
      // The token names the scope it was issued for, so a test can tell tokens apart.
      connection.respond(200, "OK", {{"Content-Type", "application/json"}},
                         R"({"token":"tok-)" + std::to_string(server_.count("/token")) + R"(","expires_in":300})");
      return;
    }
    if (request.header("authorization").starts_with("Bearer tok-")) {
      if (request.path == "/v2/") {
        connection.respond(200, "OK", {}, "{}");
      } else {
        respond_manifest(connection);
      }
      return;
    }
    respond_unauthorized(connection, R"(Bearer realm="http://)" + server_.authority() +
                                         R"(/token",service="fake registry",scope="repository:x:pull")");
  }

  std::optional<std::string> required_basic_;
  FakeHttpServer server_;
};

class Auth : public ::testing::Test {
 protected:
  void SetUp() override { REQUIRE_PRIVATE_NETWORK(); }
  RegistryOptions options() const {
    RegistryOptions options;
    options.docker_config = dir_.path() / "config.json";
    options.certs_dirs = {};
    options.retry_backoff = std::chrono::milliseconds(1);
    return options;
  }
  void log_in(const std::string& authority, const std::string& user, const std::string& password) {
    ASSERT_TRUE(store_credentials(dir_.path() / "config.json", authority, {.username = user, .password = password}));
  }
  TempDir dir_;
};

TEST_F(Auth, AnonymousBearerTokenIsFetchedOnceAndReused) {
  BearerRegistry registry;
  RegistryClient client(options());
  for (int i = 0; i < 3; ++i) {
    auto manifest = client.get_manifest(reference_at(registry.authority(), "x"));
    ASSERT_TRUE(manifest) << manifest.error().message;
    EXPECT_EQ(manifest->bytes, kManifest);
  }
  EXPECT_EQ(registry.server().count("/token"), 1);
  // 401 once, then the retry, then two requests that carried the cached token at once.
  EXPECT_EQ(registry.server().count("/v2/x/manifests/"), 4);
  auto requests = registry.server().requests();
  auto token_request = std::ranges::find_if(requests, [](const FakeRequest& r) { return r.path == "/token"; });
  ASSERT_NE(token_request, requests.end());
  EXPECT_EQ(token_request->header("authorization"), "") << "anonymous: no credentials to send";
  EXPECT_NE(token_request->query.find("service=fake%20registry"), std::string::npos) << token_request->query;
  EXPECT_NE(token_request->query.find("scope=repository%3ax%3apull"), std::string::npos) << token_request->query;

  // Another repository is another scope: a token of its own.
  ASSERT_TRUE(client.get_manifest(reference_at(registry.authority(), "y/z")));
  EXPECT_EQ(registry.server().count("/token"), 2);
}

TEST_F(Auth, BearerWithCredentialsFromTheDockerConfig) {
  BearerRegistry registry(base64_encode("alice:pw"));
  log_in(registry.authority(), "alice", "pw");
  RegistryClient client(options());
  auto manifest = client.get_manifest(reference_at(registry.authority(), "x"));
  ASSERT_TRUE(manifest) << manifest.error().message;
  auto requests = registry.server().requests();
  auto token_request = std::ranges::find_if(requests, [](const FakeRequest& r) { return r.path == "/token"; });
  ASSERT_NE(token_request, requests.end());
  EXPECT_EQ(token_request->header("authorization"), "Basic " + base64_encode("alice:pw"));
  EXPECT_NE(token_request->query.find("account=alice"), std::string::npos) << token_request->query;
}

TEST_F(Auth, RefusedCredentialsGiveTheTokenServersMessage) {
  BearerRegistry registry(base64_encode("alice:pw"));
  log_in(registry.authority(), "alice", "wrong");
  RegistryClient client(options());
  auto manifest = client.get_manifest(reference_at(registry.authority(), "x"));
  ASSERT_FALSE(manifest);
  EXPECT_EQ(manifest.error().message, "authenticate to " + registry.authority() + ": GET http://" +
                                          registry.authority() +
                                          "/token: 401 Unauthorized: incorrect username or password");
}

TEST_F(Auth, CheckLoginThroughTheTokenDance) {
  BearerRegistry registry(base64_encode("bob:secret"));
  RegistryClient client(options());
  auto good = client.check_login(registry.authority(), {.username = "bob", .password = "secret"});
  EXPECT_TRUE(good) << good.error().message;
  auto bad = client.check_login(registry.authority(), {.username = "bob", .password = "nope"});
  ASSERT_FALSE(bad);
  EXPECT_TRUE(bad.error().message.starts_with("login to " + registry.authority() + ": ")) << bad.error().message;
  EXPECT_NE(bad.error().message.find("incorrect username or password"), std::string::npos) << bad.error().message;
}

// A registry that wants Basic credentials on every request.
FakeHandler basic_registry(const std::string& expected) {
  return [expected](const FakeRequest& request, FakeConnection& connection) {
    if (request.header("authorization") != "Basic " + expected) {
      respond_unauthorized(connection, R"(Basic realm="fake")");
    } else if (request.path == "/v2/") {
      connection.respond(200, "OK", {}, "{}");
    } else {
      respond_manifest(connection);
    }
  };
}

TEST_F(Auth, BasicWithCredentials) {
  FakeHttpServer server(basic_registry(base64_encode("carol:pw")));
  log_in(server.authority(), "carol", "pw");
  RegistryClient client(options());
  for (int i = 0; i < 2; ++i) {
    auto manifest = client.get_manifest(reference_at(server.authority(), "x"));
    ASSERT_TRUE(manifest) << manifest.error().message;
  }
  EXPECT_EQ(server.request_count(), 3) << "after the first challenge, Basic is sent up front";
}

TEST_F(Auth, BasicWithoutCredentialsFailsWithTheRegistrysMessage) {
  FakeHttpServer server(basic_registry(base64_encode("carol:pw")));
  RegistryClient client(options());
  auto manifest = client.get_manifest(reference_at(server.authority(), "x"));
  ASSERT_FALSE(manifest);
  EXPECT_EQ(manifest.error().message,
            "GET " + server.url("/v2/x/manifests/latest") + ": 401 Unauthorized: authentication required");
}

TEST_F(Auth, CheckLoginWithBasic) {
  FakeHttpServer server(basic_registry(base64_encode("carol:pw")));
  RegistryClient client(options());
  EXPECT_TRUE(client.check_login(server.authority(), {.username = "carol", .password = "pw"}));
  auto bad = client.check_login(server.authority(), {.username = "carol", .password = "x"});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message, "login to " + server.authority() + ": GET " + server.url("/v2/") +
                                     ": 401 Unauthorized: authentication required");
}

TEST_F(Auth, TokenRealmOverPlainHttpOnTheOpenNetworkIsRefused) {
  FakeHttpServer server([](const FakeRequest&, FakeConnection& connection) {
    respond_unauthorized(connection, R"(Bearer realm="http://auth.example.com/token",service="x")");
  });
  log_in(server.authority(), "dave", "pw");
  RegistryClient client(options());
  auto manifest = client.get_manifest(reference_at(server.authority(), "x"));
  ASSERT_FALSE(manifest);
  EXPECT_NE(manifest.error().message.find("refusing token realm http://auth.example.com/token"), std::string::npos)
      << manifest.error().message;
}

TEST_F(Auth, CredentialsStayWithTheRegistryWhenABlobRedirects) {
  std::string blob = pseudo_random_bytes(10000, 3);
  FakeHttpServer storage([&](const FakeRequest&, FakeConnection& connection) {
    connection.respond(200, "OK", {{"Content-Type", "application/octet-stream"}}, blob);
  });
  FakeHttpServer registry([&](const FakeRequest& request, FakeConnection& connection) {
    if (request.header("authorization") != "Basic " + base64_encode("erin:pw")) {
      respond_unauthorized(connection, R"(Basic realm="fake")");
      return;
    }
    connection.respond(307, "Temporary Redirect", {{"Location", storage.url("/bucket/blob?sig=1")}});
  });
  log_in(registry.authority(), "erin", "pw");
  RegistryClient client(options());
  std::string fetched;
  auto status = client.fetch_blob(reference_at(registry.authority(), "x"), Digest::of(blob), 0, appender(fetched));
  ASSERT_TRUE(status) << status.error().message;
  EXPECT_TRUE(fetched == blob);
  auto storage_requests = storage.requests();
  ASSERT_EQ(storage_requests.size(), 1u);
  EXPECT_EQ(storage_requests[0].header("authorization"), "");
  EXPECT_EQ(storage_requests[0].target, "/bucket/blob?sig=1");
}

}  // namespace
}  // namespace berth
