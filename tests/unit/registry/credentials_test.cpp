#include "registry/credentials.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "docker_registry.h"

namespace berth {
namespace {

using testing::TempDir;

std::string slurp(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(Credentials, MissingFileMeansNone) {
  TempDir dir;
  auto loaded = load_credentials(dir.path() / "nope" / "config.json", "quay.io");
  ASSERT_TRUE(loaded) << loaded.error().message;
  EXPECT_FALSE(*loaded);
}

TEST(Credentials, RoundTripWithMode0600) {
  TempDir dir;
  auto config = dir.path() / "docker" / "config.json";
  ASSERT_TRUE(store_credentials(config, "localhost:5000", {.username = "alice", .password = "s3:cr:et"}));
  struct stat info {};
  ASSERT_EQ(::stat(config.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  auto loaded = load_credentials(config, "localhost:5000");
  ASSERT_TRUE(loaded) << loaded.error().message;
  ASSERT_TRUE(*loaded);
  EXPECT_EQ((*loaded)->username, "alice");
  EXPECT_EQ((*loaded)->password, "s3:cr:et");  // only the first ':' separates
  auto json = nlohmann::json::parse(slurp(config));
  EXPECT_EQ(json["auths"]["localhost:5000"]["auth"], "YWxpY2U6czM6Y3I6ZXQ=");
}

TEST(Credentials, DockerHubUsesTheIndexKey) {
  TempDir dir;
  auto config = dir.path() / "config.json";
  ASSERT_TRUE(store_credentials(config, "docker.io", {.username = "u", .password = "p"}));
  auto json = nlohmann::json::parse(slurp(config));
  EXPECT_TRUE(json["auths"].contains("https://index.docker.io/v1/")) << json.dump();
  for (auto name : {"docker.io", "registry-1.docker.io", "index.docker.io", "https://index.docker.io/v1/"}) {
    auto loaded = load_credentials(config, name);
    ASSERT_TRUE(loaded && *loaded) << name;
    EXPECT_EQ((*loaded)->username, "u");
  }
  EXPECT_EQ(credentials_key("docker.io"), "https://index.docker.io/v1/");
  EXPECT_EQ(credentials_key("https://quay.io/v2/"), "quay.io");
}

TEST(Credentials, PreservesOtherKeys) {
  TempDir dir;
  auto config = dir.path() / "config.json";
  std::ofstream(config) << R"({"psFormat": "table {{.ID}}", "auths": {"other.io": {"auth": "eDp5"}},
                              "proxies": {"default": {"httpProxy": "http://p:3128"}}})";
  ASSERT_TRUE(store_credentials(config, "quay.io", {.username = "q", .password = "w"}));
  ASSERT_TRUE(erase_credentials(config, "other.io"));
  auto json = nlohmann::json::parse(slurp(config));
  EXPECT_EQ(json["psFormat"], "table {{.ID}}");
  EXPECT_EQ(json["proxies"]["default"]["httpProxy"], "http://p:3128");
  EXPECT_TRUE(json["auths"].contains("quay.io"));
  EXPECT_FALSE(json["auths"].contains("other.io"));
}

TEST(Credentials, ReadsDockerFormsOfKeysAndFields) {
  TempDir dir;
  auto config = dir.path() / "config.json";
  std::ofstream(config) << R"({"auths": {
      "https://quay.io": {"auth": "cTp3"},
      "http://localhost:5000/v2/": {"username": "plain", "password": "pw"},
      "helper.io": {},
      "token.io": {"auth": "dTo=", "identitytoken": "refresh-me"}}})";
  auto quay = load_credentials(config, "quay.io");
  ASSERT_TRUE(quay && *quay);
  EXPECT_EQ((*quay)->username, "q");
  EXPECT_EQ((*quay)->password, "w");
  auto local = load_credentials(config, "localhost:5000");
  ASSERT_TRUE(local && *local);
  EXPECT_EQ((*local)->username, "plain");
  EXPECT_EQ((*local)->password, "pw");
  auto helper = load_credentials(config, "helper.io");  // left for a credential helper
  ASSERT_TRUE(helper);
  EXPECT_FALSE(*helper);
  auto token = load_credentials(config, "token.io");
  ASSERT_TRUE(token && *token);
  EXPECT_EQ((*token)->identity_token, "refresh-me");
}

TEST(Credentials, EraseAbsentIsAnError) {
  TempDir dir;
  auto config = dir.path() / "config.json";
  auto erased = erase_credentials(config, "quay.io");
  ASSERT_FALSE(erased);
  EXPECT_EQ(erased.error().message, "not logged in to quay.io");
  ASSERT_TRUE(store_credentials(config, "https://quay.io/", {.username = "a", .password = "b"}));
  ASSERT_TRUE(erase_credentials(config, "quay.io"));
  auto loaded = load_credentials(config, "quay.io");
  ASSERT_TRUE(loaded);
  EXPECT_FALSE(*loaded);
}

TEST(Credentials, CorruptFileIsAnErrorNamingIt) {
  TempDir dir;
  auto config = dir.path() / "config.json";
  std::ofstream(config) << "{not json";
  auto loaded = load_credentials(config, "quay.io");
  ASSERT_FALSE(loaded);
  EXPECT_NE(loaded.error().message.find(config.string()), std::string::npos) << loaded.error().message;
  std::ofstream(config, std::ios::trunc) << R"({"auths": {"quay.io": {"auth": "!!!"}}})";
  loaded = load_credentials(config, "quay.io");
  ASSERT_FALSE(loaded);
  EXPECT_NE(loaded.error().message.find("base64"), std::string::npos) << loaded.error().message;
  // A failed store leaves the corrupt file alone rather than replacing it.
  std::ofstream(config, std::ios::trunc) << "[1, 2]";
  EXPECT_FALSE(store_credentials(config, "quay.io", {.username = "a", .password = "b"}));
  EXPECT_EQ(slurp(config), "[1, 2]");
}

}  // namespace
}  // namespace berth
