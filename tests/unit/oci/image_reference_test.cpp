#include "oci/image_reference.h"

#include <gtest/gtest.h>

#include <string>

namespace berth {
namespace {

const std::string kHex(64, 'a');
const std::string kDigest = "sha256:" + kHex;

struct Normalized {
  const char* input;
  const char* str;
  const char* familiar;
  const char* familiar_name;
  const char* domain;
  const char* repository;
  const char* tag;
  bool has_digest;
};

// Readable test names in ctest (otherwise gtest prints the struct's bytes).
std::string shortened(std::string_view text) {
  return "\"" + std::string(text.substr(0, 40)) + (text.size() > 40 ? "…" : "") + "\"";
}
void PrintTo(const Normalized& c, std::ostream* out) { *out << shortened(c.input); }

class ParseReference : public ::testing::TestWithParam<Normalized> {};

TEST_P(ParseReference, NormalizesLikeDocker) {
  const Normalized& c = GetParam();
  auto ref = parse_reference(c.input);
  ASSERT_TRUE(ref) << c.input << ": " << ref.error().message;
  EXPECT_EQ(ref->str(), c.str);
  EXPECT_EQ(ref->familiar(), c.familiar);
  EXPECT_EQ(ref->familiar_name(), c.familiar_name);
  EXPECT_EQ(ref->domain, c.domain);
  EXPECT_EQ(ref->repository, c.repository);
  EXPECT_EQ(ref->tag, c.tag);
  EXPECT_EQ(ref->digest.has_value(), c.has_digest);
  // The canonical form parses back to the same reference.
  auto again = parse_reference(ref->str());
  ASSERT_TRUE(again) << ref->str() << ": " << again.error().message;
  EXPECT_EQ(*again, *ref);
}

INSTANTIATE_TEST_SUITE_P(
    Table, ParseReference,
    ::testing::Values(Normalized{"busybox", "docker.io/library/busybox:latest", "busybox:latest", "busybox",
                                 "docker.io", "library/busybox", "latest", false},
                      Normalized{"busybox:1.36", "docker.io/library/busybox:1.36", "busybox:1.36", "busybox",
                                 "docker.io", "library/busybox", "1.36", false},
                      Normalized{"library/busybox", "docker.io/library/busybox:latest", "busybox:latest", "busybox",
                                 "docker.io", "library/busybox", "latest", false},
                      Normalized{"docker.io/busybox", "docker.io/library/busybox:latest", "busybox:latest", "busybox",
                                 "docker.io", "library/busybox", "latest", false},
                      Normalized{"index.docker.io/library/busybox:musl", "docker.io/library/busybox:musl",
                                 "busybox:musl", "busybox", "docker.io", "library/busybox", "musl", false},
                      Normalized{"foo/bar", "docker.io/foo/bar:latest", "foo/bar:latest", "foo/bar", "docker.io",
                                 "foo/bar", "latest", false},
                      Normalized{"foo/bar:1", "docker.io/foo/bar:1", "foo/bar:1", "foo/bar", "docker.io", "foo/bar",
                                 "1", false},
                      // "library/" is dropped only when nothing is nested below it.
                      Normalized{"library/foo/bar", "docker.io/library/foo/bar:latest", "library/foo/bar:latest",
                                 "library/foo/bar", "docker.io", "library/foo/bar", "latest", false},
                      Normalized{"localhost:5000/x:y", "localhost:5000/x:y", "localhost:5000/x:y", "localhost:5000/x",
                                 "localhost:5000", "x", "y", false},
                      Normalized{"localhost/x", "localhost/x:latest", "localhost/x:latest", "localhost/x", "localhost",
                                 "x", "latest", false},
                      Normalized{"127.0.0.1:5000/a/b/c", "127.0.0.1:5000/a/b/c:latest", "127.0.0.1:5000/a/b/c:latest",
                                 "127.0.0.1:5000/a/b/c", "127.0.0.1:5000", "a/b/c", "latest", false},
                      Normalized{"[::1]:5000/x", "[::1]:5000/x:latest", "[::1]:5000/x:latest", "[::1]:5000/x",
                                 "[::1]:5000", "x", "latest", false},
                      Normalized{"quay.io/foo/bar", "quay.io/foo/bar:latest", "quay.io/foo/bar:latest",
                                 "quay.io/foo/bar", "quay.io", "foo/bar", "latest", false},
                      // Without '.', ':' or "localhost", the first component is a Docker Hub namespace.
                      Normalized{"myhost/x", "docker.io/myhost/x:latest", "myhost/x:latest", "myhost/x", "docker.io",
                                 "myhost/x", "latest", false},
                      // No '/': "localhost:5000" is repository "localhost" with tag "5000", as in Docker.
                      Normalized{"localhost:5000", "docker.io/library/localhost:5000", "localhost:5000", "localhost",
                                 "docker.io", "library/localhost", "5000", false},
                      Normalized{"a__b/c-d/e.f_g---h:V1.0_x-y", "docker.io/a__b/c-d/e.f_g---h:V1.0_x-y",
                                 "a__b/c-d/e.f_g---h:V1.0_x-y", "a__b/c-d/e.f_g---h", "docker.io", "a__b/c-d/e.f_g---h",
                                 "V1.0_x-y", false},
                      Normalized{"Example.COM/x", "Example.COM/x:latest", "Example.COM/x:latest", "Example.COM/x",
                                 "Example.COM", "x", "latest", false}));

TEST(ParseReferenceDigest, DigestOnlyHasNoTag) {
  auto ref = parse_reference("quay.io/foo/bar@" + kDigest);
  ASSERT_TRUE(ref) << ref.error().message;
  EXPECT_TRUE(ref->tag.empty());
  ASSERT_TRUE(ref->digest);
  EXPECT_EQ(ref->digest->str(), kDigest);
  EXPECT_EQ(ref->str(), "quay.io/foo/bar@" + kDigest);
  EXPECT_EQ(ref->familiar(), "quay.io/foo/bar@" + kDigest);
}

TEST(ParseReferenceDigest, TagAndDigestKeepBoth) {
  auto ref = parse_reference("busybox:1@" + kDigest);
  ASSERT_TRUE(ref) << ref.error().message;
  EXPECT_EQ(ref->tag, "1");
  EXPECT_EQ(ref->str(), "docker.io/library/busybox:1@" + kDigest);
  EXPECT_EQ(ref->familiar(), "busybox:1@" + kDigest);
  EXPECT_EQ(ref->name(), "docker.io/library/busybox");
}

TEST(ParseReferenceDigest, DigestWithPort) {
  auto ref = parse_reference("localhost:5000/x@" + kDigest);
  ASSERT_TRUE(ref) << ref.error().message;
  EXPECT_EQ(ref->domain, "localhost:5000");
  EXPECT_EQ(ref->repository, "x");
  EXPECT_EQ(ref->familiar(), "localhost:5000/x@" + kDigest);
}

TEST(ParseReferenceOptions, NoDefaultTagWhenAsked) {
  auto ref = parse_reference("busybox", /*add_default_tag=*/false);
  ASSERT_TRUE(ref) << ref.error().message;
  EXPECT_TRUE(ref->tag.empty());
  EXPECT_EQ(ref->str(), "docker.io/library/busybox");
  EXPECT_EQ(ref->familiar(), "busybox");
}

TEST(ImageReferenceHost, DockerHubTalksToRegistry1) {
  EXPECT_EQ(parse_reference("busybox")->registry_host(), "registry-1.docker.io");
  EXPECT_EQ(parse_reference("localhost:5000/x")->registry_host(), "localhost:5000");
  EXPECT_EQ(parse_reference("quay.io/a/b")->registry_host(), "quay.io");
}

struct Invalid {
  std::string input;
  std::string message;  // expected substring
};
void PrintTo(const Invalid& c, std::ostream* out) { *out << shortened(c.input); }

class ParseReferenceRejects : public ::testing::TestWithParam<Invalid> {};

TEST_P(ParseReferenceRejects, WithDockersMessage) {
  auto ref = parse_reference(GetParam().input);
  ASSERT_FALSE(ref) << "accepted \"" << GetParam().input << "\" as " << ref->str();
  EXPECT_NE(ref.error().message.find(GetParam().message), std::string::npos) << ref.error().message;
}

INSTANTIATE_TEST_SUITE_P(
    Table, ParseReferenceRejects,
    ::testing::Values(
        Invalid{"", "invalid reference format"},
        Invalid{"Busybox", "invalid reference format: repository name must be lowercase"},
        Invalid{"foo/Bar:1", "invalid reference format: repository name must be lowercase"},
        Invalid{"quay.io/Foo/bar", "invalid reference format: repository name must be lowercase"},
        Invalid{"a:b:c", "invalid reference format"}, Invalid{"busybox@sha256:abc", "invalid reference format"},
        Invalid{"busybox@md5:" + std::string(32, 'a'), "invalid reference format"},
        Invalid{"busybox@sha256:" + std::string(64, 'A'), "invalid reference format"},
        Invalid{"busybox@", "invalid reference format"}, Invalid{"-leading", "invalid reference format"},
        Invalid{"foo/-bar", "invalid reference format"}, Invalid{"foo/", "invalid reference format"},
        Invalid{"quay.io/foo/", "invalid reference format"}, Invalid{"foo//bar", "invalid reference format"},
        Invalid{"a___b", "invalid reference format"}, Invalid{"a.-b", "invalid reference format"},
        Invalid{"trailing.", "invalid reference format"}, Invalid{"busybox:", "invalid reference format"},
        Invalid{"busybox:-x", "invalid reference format"},
        Invalid{"busybox:" + std::string(129, 't'), "invalid reference format"},
        Invalid{"localhost:/x", "invalid reference format"}, Invalid{"-quay.io/x", "invalid reference format"},
        Invalid{"local host/x", "invalid reference format"}, Invalid{"quay.io:12a/x", "invalid reference format"},
        Invalid{"[::1/x", "invalid reference format"},
        // 18 characters of "docker.io/library/" + 238 = 256: one over Docker's limit.
        Invalid{std::string(238, 'a'), "repository name must not be more than 255 characters"},
        Invalid{"quay.io/" + std::string(250, 'b'), "repository name must not be more than 255 characters"},
        Invalid{kHex, "cannot specify 64-byte hexadecimal strings"}));

TEST(ParseReferenceLimits, NameOfExactly255Characters) {
  auto ref = parse_reference(std::string(237, 'a'));
  ASSERT_TRUE(ref) << ref.error().message;
  EXPECT_EQ(ref->name().size(), 255u);
}

TEST(LooksLikeImageId, OnlyFullHexIds) {
  EXPECT_TRUE(looks_like_image_id(kDigest));
  EXPECT_TRUE(looks_like_image_id(kHex));
  EXPECT_FALSE(looks_like_image_id("busybox"));
  EXPECT_FALSE(looks_like_image_id(std::string(63, 'a')));
  EXPECT_FALSE(looks_like_image_id("sha256:" + std::string(64, 'A')));
  EXPECT_FALSE(looks_like_image_id("sha512:" + kHex));
  // Docker parses "sha256:<hex>" as repository "sha256" with a tag; the engine asks this first.
  EXPECT_TRUE(parse_reference(kDigest));
}

}  // namespace
}  // namespace berth
