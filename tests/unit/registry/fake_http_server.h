// A deliberately minimal HTTP/1.1 server for tests, handwritten: one thread,
// one connection at a time, every response closes its connection. It is not
// a web server; it lets a test script hostile answers (garbage, loops, cut
// bodies, wrong digests, auth demands) byte for byte on 127.0.0.1:<port 0>.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace berth::testing {

struct FakeRequest {
  std::string method;
  std::string target;  // "/v2/x/blobs/sha256:…?a=b"
  std::string path;    // target without the query
  std::string query;
  std::map<std::string, std::string> headers;  // names lowercased
  std::string body;
  std::string header(const std::string& lowercase_name) const {
    auto it = headers.find(lowercase_name);
    return it == headers.end() ? std::string() : it->second;
  }
};

using Headers = std::vector<std::pair<std::string, std::string>>;

class FakeConnection {
 public:
  explicit FakeConnection(int fd) : fd_(fd) {}
  // Raw bytes, exactly as given.
  void send(std::string_view bytes);
  // A complete response with Content-Length (unless headers set one) and "Connection: close".
  void respond(int status, std::string_view reason, const Headers& headers = {}, std::string_view body = {});
  // Only the status line and headers (Content-Length as given in headers): the body is up to the test.
  void respond_head(int status, std::string_view reason, const Headers& headers);

 private:
  int fd_;
};

using FakeHandler = std::function<void(const FakeRequest&, FakeConnection&)>;

class FakeHttpServer {
 public:
  explicit FakeHttpServer(FakeHandler handler);
  ~FakeHttpServer();
  FakeHttpServer(const FakeHttpServer&) = delete;
  FakeHttpServer& operator=(const FakeHttpServer&) = delete;

  uint16_t port() const { return port_; }
  std::string authority() const { return "127.0.0.1:" + std::to_string(port_); }
  std::string url(std::string_view path) const { return "http://" + authority() + std::string(path); }
  int request_count() const { return request_count_.load(); }
  int tls_attempts() const { return tls_attempts_.load(); }  // TLS handshakes refused
  // Requests whose path starts with the prefix.
  int count(std::string_view path_prefix) const;
  std::vector<FakeRequest> requests() const;

 private:
  void serve();

  FakeHandler handler_;
  int listen_fd_ = -1;
  uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<int> request_count_{0};
  std::atomic<int> tls_attempts_{0};
  mutable std::mutex mutex_;
  std::vector<FakeRequest> requests_;
  std::thread thread_;
};

}  // namespace berth::testing
