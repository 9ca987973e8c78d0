#include "registry/url.h"

#include <gtest/gtest.h>

namespace berth {
namespace {

TEST(Url, Parts) {
  auto parts = parse_url("https://Registry.Example:5000/v2/x?y=1");
  ASSERT_TRUE(parts) << parts.error().message;
  EXPECT_EQ(parts->scheme, "https");
  EXPECT_EQ(parts->port, 5000);
  EXPECT_EQ(parts->authority, parts->host + ":5000");
  auto defaulted = parse_url("https://quay.io/v2/");
  ASSERT_TRUE(defaulted);
  EXPECT_EQ(defaulted->port, 443);
  EXPECT_EQ(defaulted->authority, "quay.io");
  auto v6 = parse_url("http://[::1]:8080/");
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->authority, "[::1]:8080");
  EXPECT_FALSE(parse_url("ftp://x/"));
  EXPECT_FALSE(parse_url("not a url"));
}

TEST(Url, ResolvesLocations) {
  EXPECT_EQ(resolve_url("http://h:1/v2/x/blobs/uploads/", "/v2/x/blobs/uploads/abc?_state=s").value(),
            "http://h:1/v2/x/blobs/uploads/abc?_state=s");
  EXPECT_EQ(resolve_url("http://h:1/v2/a", "https://cdn.example/blob").value(), "https://cdn.example/blob");
  EXPECT_EQ(resolve_url("http://h:1/v2/a/b", "c").value(), "http://h:1/v2/a/c");
}

TEST(Url, AppendsEncodedQuery) {
  // curl re-encodes escapes in lowercase hex, which RFC 3986 treats as equal.
  EXPECT_EQ(append_query("http://h/u?_state=x", "digest", "sha256:ab").value(),
            "http://h/u?_state=x&digest=sha256%3aab");
  EXPECT_EQ(append_query("http://h/u", "scope", "repository:a/b:pull,push").value(),
            "http://h/u?scope=repository%3aa%2fb%3apull%2cpush");
  EXPECT_EQ(url_without_query("http://h/u?secret=1"), "http://h/u");
}

TEST(Url, Loopback) {
  for (auto host : {"localhost", "localhost:5000", "127.0.0.1", "127.1.2.3:80", "::1", "[::1]:5000"}) {
    EXPECT_TRUE(is_loopback_host(host)) << host;
  }
  for (auto host : {"quay.io", "10.0.0.1:5000", "128.0.0.1", "localhost.evil.com", "[::2]:1"}) {
    EXPECT_FALSE(is_loopback_host(host)) << host;
  }
}

}  // namespace
}  // namespace berth
