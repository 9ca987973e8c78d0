#include "registry/manifest_media_type.h"

#include <gtest/gtest.h>

namespace berth {
namespace {

constexpr const char* kDockerManifest =
    R"({"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json","config":{},"layers":[]})";

TEST(ManifestMediaType, FromHeaderAndBody) {
  auto type = manifest_media_type("application/vnd.docker.distribution.manifest.v2+json", kDockerManifest);
  ASSERT_TRUE(type) << type.error().message;
  EXPECT_EQ(*type, "application/vnd.docker.distribution.manifest.v2+json");
}

TEST(ManifestMediaType, ParametersAndCaseInTheHeader) {
  auto type =
      manifest_media_type("Application/VND.docker.distribution.manifest.v2+json; charset=utf-8", kDockerManifest);
  ASSERT_TRUE(type) << type.error().message;
}

TEST(ManifestMediaType, GenericHeaderDefersToTheBody) {
  auto index = manifest_media_type("application/json", R"({"schemaVersion":2,"manifests":[]})");
  ASSERT_TRUE(index) << index.error().message;
  EXPECT_EQ(*index, "application/vnd.oci.image.index.v1+json");
  auto manifest = manifest_media_type("", R"({"schemaVersion":2,"config":{},"layers":[]})");
  ASSERT_TRUE(manifest) << manifest.error().message;
  EXPECT_EQ(*manifest, "application/vnd.oci.image.manifest.v1+json");
}

TEST(ManifestMediaType, Rejections) {
  auto unrequested = manifest_media_type("application/vnd.example.thing+json", R"({"schemaVersion":2})");
  ASSERT_FALSE(unrequested);
  EXPECT_NE(unrequested.error().message.find("unrequested media type application/vnd.example.thing+json"),
            std::string::npos);
  auto contradiction = manifest_media_type("application/vnd.oci.image.index.v1+json", kDockerManifest);
  ASSERT_FALSE(contradiction);
  EXPECT_NE(contradiction.error().message.find("does not match"), std::string::npos);
  auto garbage = manifest_media_type("application/vnd.oci.image.manifest.v1+json", "<html>oops</html>");
  ASSERT_FALSE(garbage);
  EXPECT_NE(garbage.error().message.find("not valid JSON"), std::string::npos);
  auto schema1 = manifest_media_type("application/vnd.docker.distribution.manifest.v1+prettyjws",
                                     R"({"schemaVersion":1,"name":"x"})");
  ASSERT_FALSE(schema1);
  EXPECT_NE(schema1.error().message.find("schema 1"), std::string::npos);
  EXPECT_FALSE(manifest_media_type("application/json", R"({"schemaVersion":2})"));
}

}  // namespace
}  // namespace berth
