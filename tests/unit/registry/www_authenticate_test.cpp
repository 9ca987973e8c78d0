#include "registry/www_authenticate.h"

#include <gtest/gtest.h>

namespace berth {
namespace {

TEST(WwwAuthenticate, DockerHubBearer) {
  auto challenges = parse_www_authenticate(
      R"(Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/busybox:pull")");
  ASSERT_EQ(challenges.size(), 1u);
  EXPECT_EQ(challenges[0].scheme, "bearer");
  EXPECT_EQ(challenges[0].param("realm"), "https://auth.docker.io/token");
  EXPECT_EQ(challenges[0].param("service"), "registry.docker.io");
  EXPECT_EQ(challenges[0].param("scope"), "repository:library/busybox:pull");
}

TEST(WwwAuthenticate, SchemeAndNamesAreCaseInsensitive) {
  auto challenges = parse_www_authenticate(R"(BEARER Realm="r", SERVICE=svc)");
  ASSERT_EQ(challenges.size(), 1u);
  EXPECT_EQ(challenges[0].scheme, "bearer");
  EXPECT_EQ(challenges[0].param("realm"), "r");
  EXPECT_EQ(challenges[0].param("service"), "svc");
}

TEST(WwwAuthenticate, QuotedStringsKeepCommasAndEscapes) {
  auto challenges = parse_www_authenticate(R"(Bearer realm="https://a/t?x=1,2", error="say \"no\", \\ ok")");
  ASSERT_EQ(challenges.size(), 1u);
  EXPECT_EQ(challenges[0].param("realm"), "https://a/t?x=1,2");
  EXPECT_EQ(challenges[0].param("error"), R"(say "no", \ ok)");
}

TEST(WwwAuthenticate, SeveralChallengesInOneHeader) {
  auto challenges = parse_www_authenticate(R"(Basic realm="basic realm", Bearer realm="https://t", service="s")");
  ASSERT_EQ(challenges.size(), 2u);
  EXPECT_EQ(challenges[0].scheme, "basic");
  EXPECT_EQ(challenges[0].param("realm"), "basic realm");
  EXPECT_EQ(challenges[1].scheme, "bearer");
  EXPECT_EQ(challenges[1].param("service"), "s");
}

TEST(WwwAuthenticate, Token68AndOddSpacing) {
  auto challenges = parse_www_authenticate("Negotiate abc==,   Basic   realm = \"x\"");
  ASSERT_GE(challenges.size(), 2u);
  EXPECT_EQ(challenges[0].scheme, "negotiate");
  EXPECT_EQ(challenges.back().scheme, "basic");
  EXPECT_EQ(challenges.back().param("realm"), "x");
}

TEST(WwwAuthenticate, GarbageGivesNothingUsable) {
  EXPECT_TRUE(parse_www_authenticate("").empty());
  EXPECT_TRUE(parse_www_authenticate("=== ,,,").empty());
  auto unterminated = parse_www_authenticate(R"(Bearer realm="https://never-closed)");
  ASSERT_EQ(unterminated.size(), 1u);
  EXPECT_EQ(unterminated[0].param("realm"), "https://never-closed");
}

TEST(WwwAuthenticate, ChooseBearerOverBasicAcrossHeaders) {
  auto chosen = choose_challenge({R"(Basic realm="b")", R"(Bearer realm="https://t")"});
  ASSERT_TRUE(chosen);
  EXPECT_EQ(chosen->scheme, "bearer");
  auto basic = choose_challenge({R"(Digest realm="d")", R"(Basic realm="b")"});
  ASSERT_TRUE(basic);
  EXPECT_EQ(basic->scheme, "basic");
  EXPECT_FALSE(choose_challenge({R"(Digest realm="d")"}));
}

}  // namespace
}  // namespace berth
