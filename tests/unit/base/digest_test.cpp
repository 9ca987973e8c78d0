#include "base/digest.h"

#include <gtest/gtest.h>

using berth::Digest;

TEST(Digest, HashesKnownVector) {
  EXPECT_EQ(Digest::of("abc").str(), "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Digest::of("").short_hex(), "e3b0c44298fc");
}

TEST(Digest, StreamingEqualsOneShot) {
  berth::Sha256 hasher;
  hasher.update("ab");
  hasher.update("c");
  EXPECT_EQ(hasher.finish(), Digest::of("abc"));
}

TEST(Digest, ParseAcceptsCanonicalForm) {
  auto text = Digest::of("x").str();
  auto parsed = Digest::parse(text);
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ(parsed->str(), text);
}

TEST(Digest, ParseRejectsMalformed) {
  EXPECT_NE(Digest::parse("abc").error().message.find("no algorithm"), std::string::npos);
  EXPECT_NE(Digest::parse("sha512:00").error().message.find("unsupported digest algorithm \"sha512\""),
            std::string::npos);
  EXPECT_NE(Digest::parse("sha256:abc").error().message.find("64 hex digits"), std::string::npos);
  std::string upper = "sha256:" + std::string(64, 'A');
  EXPECT_NE(Digest::parse(upper).error().message.find("not a lowercase hex digit"), std::string::npos);
  std::string traversal = "sha256:../../" + std::string(58, 'a');
  EXPECT_FALSE(Digest::parse(traversal));
}
