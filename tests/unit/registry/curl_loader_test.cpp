#include "registry/curl_loader.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "registry/url.h"

namespace berth {
namespace {

bool libcurl_mapped() {
  std::ifstream maps("/proc/self/maps");
  std::stringstream text;
  text << maps.rdbuf();
  return text.str().find("libcurl") != std::string::npos;
}

// ctest runs each test in a process of its own: nothing has used curl yet.
TEST(CurlLoader, LoadsLibcurlOnFirstUseOnly) {
  EXPECT_FALSE(libcurl_mapped()) << "linked or loaded before any curl call";
  auto parts = parse_url("https://registry.example:5000/v2/");  // curl's URL parser
  ASSERT_TRUE(parts) << parts.error().message;
  EXPECT_EQ(parts->host, "registry.example");
  EXPECT_EQ(parts->port, 5000);
  EXPECT_TRUE(libcurl_mapped());
  EXPECT_TRUE(load_libcurl());
}

}  // namespace
}  // namespace berth
