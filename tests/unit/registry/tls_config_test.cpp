#include "registry/tls_config.h"

#include <gtest/gtest.h>

#include <fstream>

#include "docker_registry.h"

namespace berth {
namespace {

using testing::TempDir;

constexpr const char* kFakePem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";

TEST(TlsConfig, NothingConfiguredMeansSystemDefaults) {
  TempDir dir;
  auto config = load_tls_config({dir.path()}, "quay.io");
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_TRUE(config->verify_peer);
  EXPECT_TRUE(config->ca_pem.empty());
  EXPECT_TRUE(config->client_cert.empty());
}

TEST(TlsConfig, ExtraCasFromEveryCertsDirFollowTheSystemBundle) {
  TempDir first, second;
  std::filesystem::create_directories(first.path() / "reg.example:5000");
  std::filesystem::create_directories(second.path() / "reg.example:5000");
  std::ofstream(first.path() / "reg.example:5000" / "ca.crt") << "FIRST\n" << kFakePem;
  std::ofstream(second.path() / "reg.example:5000" / "other.crt") << "SECOND\n" << kFakePem;
  std::ofstream(second.path() / "reg.example:5000" / "README") << "ignored";
  auto config = load_tls_config({first.path(), second.path()}, "reg.example:5000");
  ASSERT_TRUE(config) << config.error().message;
  auto first_at = config->ca_pem.find("FIRST");
  auto second_at = config->ca_pem.find("SECOND");
  ASSERT_NE(first_at, std::string::npos);
  ASSERT_NE(second_at, std::string::npos);
  EXPECT_LT(first_at, second_at);
  EXPECT_EQ(config->ca_pem.find("ignored"), std::string::npos);
}

TEST(TlsConfig, ClientCertificateNeedsItsKey) {
  TempDir dir;
  auto host = dir.path() / "reg.example";
  std::filesystem::create_directories(host);
  std::ofstream(host / "client.cert") << kFakePem;
  auto missing = load_tls_config({dir.path()}, "reg.example");
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("has no key"), std::string::npos) << missing.error().message;
  std::ofstream(host / "client.key") << "KEY";
  auto config = load_tls_config({dir.path()}, "reg.example");
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_EQ(config->client_cert, host / "client.cert");
  EXPECT_EQ(config->client_key, host / "client.key");
}

TEST(TlsConfig, HostNamesCannotClimbOutOfTheCertsDir) {
  TempDir dir;
  std::filesystem::create_directories(dir.path() / "sub");
  std::ofstream(dir.path() / "evil.crt") << kFakePem;
  for (auto name : {"..", "../x", "sub/..", "."}) {
    auto config = load_tls_config({dir.path() / "sub"}, name);
    ASSERT_TRUE(config) << name;
    EXPECT_TRUE(config->ca_pem.empty()) << name;
  }
}

TEST(TlsConfig, OneCertDirServesEveryRegistryAndMustExist) {
  TempDir dir;
  std::ofstream(dir.path() / "ca.crt") << "MINE\n" << kFakePem;
  std::ofstream(dir.path() / "client.cert") << kFakePem;
  std::ofstream(dir.path() / "client.key") << "KEY";
  auto config = load_tls_directory(dir.path());
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_NE(config->ca_pem.find("MINE"), std::string::npos);
  EXPECT_EQ(config->client_cert, dir.path() / "client.cert");

  auto missing = load_tls_directory(dir.path() / "absent");
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("absent: not a directory"), std::string::npos) << missing.error().message;
}

}  // namespace
}  // namespace berth
