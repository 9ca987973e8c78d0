#include "oci/image_spec.h"

#include <gtest/gtest.h>

using namespace berth;

namespace {

std::string digest_of(std::string_view text) { return Digest::of(text).str(); }

std::string manifest_json(std::string_view config_type, std::string_view layer_type) {
  return fmt::format(
      R"({{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",)"
      R"("config":{{"mediaType":"{}","digest":"{}","size":10}},)"
      R"("layers":[{{"mediaType":"{}","digest":"{}","size":20}}]}})",
      config_type, digest_of("config"), layer_type, digest_of("layer"));
}

void expect_error_contains(const auto& result, std::string_view needle) {
  ASSERT_FALSE(result) << "expected an error containing: " << needle;
  EXPECT_NE(result.error().message.find(needle), std::string::npos) << result.error().message;
}

}  // namespace

TEST(ImageSpec, ParsesOciManifest) {
  auto parsed = parse_manifest_document(manifest_json(media_type::oci_config, media_type::oci_layer_gzip),
                                        media_type::oci_manifest);
  ASSERT_TRUE(parsed) << parsed.error().message;
  auto& manifest = std::get<ImageManifest>(*parsed);
  EXPECT_EQ(manifest.config.digest.str(), digest_of("config"));
  ASSERT_EQ(manifest.layers.size(), 1u);
  EXPECT_EQ(manifest.layers[0].size, 20);
  EXPECT_EQ(*layer_compression(manifest.layers[0].media_type), LayerCompression::gzip);
}

TEST(ImageSpec, RejectsConfigOfWrongMediaType) {
  expect_error_contains(parse_manifest_document(manifest_json(media_type::oci_layer_gzip, media_type::oci_layer_gzip),
                                                media_type::oci_manifest),
                        "is not an image config media type");
}

TEST(ImageSpec, RejectsUnknownLayerMediaType) {
  expect_error_contains(
      parse_manifest_document(manifest_json(media_type::oci_config, "text/plain"), media_type::oci_manifest),
      "manifest.layers[0].mediaType");
}

TEST(ImageSpec, RejectsDocumentWithManifestsAndLayers) {
  auto text = manifest_json(media_type::oci_config, media_type::oci_layer_gzip);
  text.insert(1, R"("manifests":[],)");
  expect_error_contains(parse_manifest_document(text, ""), "ambiguous");
}

TEST(ImageSpec, RejectsMediaTypeThatContradictsDeclared) {
  expect_error_contains(parse_manifest_document(manifest_json(media_type::oci_config, media_type::oci_layer_gzip),
                                                media_type::docker_manifest),
                        "contradicts");
}

TEST(ImageSpec, RejectsIndexTypeWithoutManifests) {
  expect_error_contains(parse_manifest_document(R"({"schemaVersion":2,"layers":[],"config":{}})",
                                                media_type::oci_index),
                        "is an index");
}

TEST(ImageSpec, RejectsSchema1AndGarbage) {
  expect_error_contains(parse_manifest_document(R"({"schemaVersion":1,"fsLayers":[]})", ""), "schema 1");
  expect_error_contains(parse_manifest_document("{not json", ""), "not valid JSON");
  expect_error_contains(parse_manifest_document("[1,2]", ""), "expected a JSON object");
  expect_error_contains(parse_manifest_document(R"({"schemaVersion":3})", ""), "schemaVersion must be 2");
}

TEST(ImageSpec, RejectsBadDescriptors) {
  auto text = manifest_json(media_type::oci_config, media_type::oci_layer_gzip);
  auto bad_digest = text;
  bad_digest.replace(bad_digest.find(digest_of("layer")), 71, "sha256:../../etc/passwd");
  expect_error_contains(parse_manifest_document(bad_digest, ""), "manifest.layers[0].digest");
  auto negative = text;
  negative.replace(negative.find("\"size\":20"), 9, "\"size\":-5");
  expect_error_contains(parse_manifest_document(negative, ""), "negative");
}

TEST(ImageSpec, SelectsPlatformFromIndex) {
  auto text = fmt::format(
      R"({{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.list.v2+json","manifests":[)"
      R"({{"mediaType":"application/vnd.docker.distribution.manifest.v2+json","digest":"{}","size":1,"platform":{{"architecture":"arm","os":"linux","variant":"v7"}}}},)"
      R"({{"mediaType":"application/vnd.docker.distribution.manifest.v2+json","digest":"{}","size":1,"platform":{{"architecture":"arm64","os":"linux","variant":"v8"}}}},)"
      R"({{"mediaType":"application/vnd.docker.distribution.manifest.v2+json","digest":"{}","size":1,"platform":{{"architecture":"amd64","os":"linux"}}}}]}})",
      digest_of("arm"), digest_of("arm64"), digest_of("amd64"));
  auto parsed = parse_manifest_document(text, media_type::docker_manifest_list);
  ASSERT_TRUE(parsed) << parsed.error().message;
  auto& index = std::get<ImageIndex>(*parsed);
  EXPECT_EQ(select_platform(index, *parse_platform("linux/amd64"))->digest.str(), digest_of("amd64"));
  EXPECT_EQ(select_platform(index, *parse_platform("linux/arm64/v8"))->digest.str(), digest_of("arm64"));
  EXPECT_EQ(select_platform(index, *parse_platform("linux/arm/v7"))->digest.str(), digest_of("arm"));
  expect_error_contains(select_platform(index, *parse_platform("linux/s390x")), "offered: linux/arm/v7");
}

TEST(ImageSpec, ParsesPlatformStrings) {
  EXPECT_EQ(parse_platform("x86_64")->str(), "linux/amd64");
  EXPECT_EQ(parse_platform("linux/aarch64/v8")->str(), "linux/arm64");
  EXPECT_FALSE(parse_platform("linux//amd64"));
  EXPECT_FALSE(parse_platform("a/b/c/d"));
  EXPECT_EQ(host_platform().os, "linux");
}

TEST(ImageSpec, ParsesImageConfig) {
  auto config = parse_image_config(fmt::format(
      R"({{"architecture":"amd64","os":"linux","created":"2024-01-02T03:04:05.5Z","config":{{"Cmd":["sh"]}},)"
      R"("rootfs":{{"type":"layers","diff_ids":["{}"]}}}})",
      digest_of("tar")));
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_EQ(config->diff_ids.size(), 1u);
  EXPECT_EQ(config->created_unix, 1704164645);
  EXPECT_EQ(config->json["config"]["Cmd"][0], "sh");
  expect_error_contains(parse_image_config(R"({"os":"linux","rootfs":{"type":"layers","diff_ids":["x"]}})"),
                        "rootfs.diff_ids[0]");
  expect_error_contains(parse_image_config(R"({"os":"linux"})"), "rootfs");
}

TEST(ImageSpec, Rfc3339) {
  EXPECT_EQ(parse_rfc3339("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(parse_rfc3339("1970-01-01T01:00:00+01:00"), 0);
  EXPECT_EQ(parse_rfc3339("2024-01-02T03:04:05.123456789Z"), 1704164645);
  EXPECT_FALSE(parse_rfc3339("yesterday"));
  EXPECT_EQ(format_rfc3339(1704164645), "2024-01-02T03:04:05Z");
}
