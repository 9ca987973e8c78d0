#include "registry/registry_error.h"

#include <gtest/gtest.h>

namespace berth {
namespace {

TEST(RegistryError, DistributionErrorBody) {
  HttpResponse response;
  response.url = "http://127.0.0.1:5000/v2/x/manifests/latest";
  response.status = 404;
  response.reason = "Not Found";
  response.body = R"({"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown","detail":{"Tag":"latest"}}]})";
  EXPECT_EQ(http_status_error("GET", response).message,
            "GET http://127.0.0.1:5000/v2/x/manifests/latest: 404 Not Found: manifest unknown");
}

TEST(RegistryError, CodesWithoutMessagesAndSeveralErrors) {
  EXPECT_EQ(registry_error_detail(R"({"errors":[{"code":"BLOB_UNKNOWN"},{"code":"X","message":"second"}]})"),
            "blob unknown; second");
  EXPECT_EQ(registry_error_detail(R"({"details":"incorrect username or password"})"), "incorrect username or password");
}

TEST(RegistryError, HostileBodiesStayOneLine) {
  std::string body = "<html>\r\n<b>busy</b>\x01\x7f" + std::string(500, 'x');
  std::string detail = registry_error_detail(body);
  EXPECT_EQ(detail.find('\n'), std::string::npos);
  EXPECT_EQ(detail.find('\x01'), std::string::npos);
  EXPECT_LT(detail.size(), 220u);
  EXPECT_TRUE(detail.starts_with("<html>  <b>busy</b>??")) << detail;
  EXPECT_EQ(registry_error_detail(""), "");
}

TEST(RegistryError, StatusWithoutReasonPhrase) {
  HttpResponse response;
  response.url = "https://h/v2/?secret=1";
  response.status = 503;
  EXPECT_EQ(http_status_error("GET", response).message, "GET https://h/v2/: 503 Service Unavailable");
}

}  // namespace
}  // namespace berth
