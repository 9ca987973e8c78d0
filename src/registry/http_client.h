// One HTTP exchange at a time over libcurl, with the limits every registry
// request needs (connect timeout, low-speed abort, capped buffered bodies)
// and none of the policy: redirects, auth and retries are the caller's, so
// that each hop can be checked (scheme, host, credentials) before it is made.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "registry/tls_config.h"

namespace berth {

class HttpHeaders {
 public:
  void add(std::string name, std::string value) { entries_.emplace_back(std::move(name), std::move(value)); }
  void clear() { entries_.clear(); }
  // Case-insensitive; the first of several.
  std::optional<std::string> get(std::string_view name) const;
  std::vector<std::string> get_all(std::string_view name) const;

 private:
  std::vector<std::pair<std::string, std::string>> entries_;
};

struct HttpResponse {
  std::string url;  // the URL that answered
  long status = 0;  // 0 when no response arrived
  std::string reason;
  HttpHeaders headers;
  std::string body;                 // buffered body (not streamed), cut at the request's limit for error statuses
  uint64_t body_bytes = 0;          // body bytes received, streamed or buffered
  std::string status_line() const;  // "404 Not Found"
};

// Reads request body bytes at `offset` into the buffer; returns how many.
using BodyReader = std::function<Result<size_t>(uint64_t offset, std::span<std::byte> buffer)>;
// A reader over bytes the caller keeps alive for the request's life.
BodyReader body_from_string(std::string_view data);
// Receives a 2xx body as it arrives; `head` holds the status and headers. An error aborts the transfer.
using BodyStream = std::function<Status(const HttpResponse& head, std::span<const std::byte> data)>;

struct HttpRequest {
  std::string method = "GET";
  std::string url;
  std::vector<std::string> headers;  // "Name: value"
  BodyReader read_body;              // none: an empty body (Content-Length: 0 for POST/PUT/PATCH)
  uint64_t body_size = 0;
  std::function<void(uint64_t sent)> on_sent;
  BodyStream stream;  // none: 2xx bodies are buffered too
  // Buffered bodies: a 2xx body over this fails the exchange; an error body is cut here.
  size_t max_body = 64 << 10;
  const TlsConfig* tls = nullptr;  // none: verify against the system CAs
  bool allow_proxy = true;         // false for loopback: a proxy from the environment cannot reach our loopback
};

enum class HttpFailure {
  none,
  transport,       // no complete response: refused, reset, closed early, timed out, TLS…
  body_too_large,  // a buffered 2xx body exceeded max_body
  stream,          // the BodyStream returned an error (in `error`, unchanged)
  body_source,     // the BodyReader returned an error or ended early
};

struct HttpExchange {
  HttpResponse response;
  HttpFailure failure = HttpFailure::none;
  Error error;                     // when failure != none
  bool transient = false;          // a new attempt may succeed
  bool connection_closed = false;  // the peer closed or reset the connection mid-exchange
  explicit operator bool() const { return failure == HttpFailure::none; }
};

// Thread-safe: each perform() uses its own easy handle; connections, DNS and
// TLS sessions are shared between them (curl share interface) so a pull's
// many requests to one registry reuse connections.
class HttpClient {
 public:
  explicit HttpClient(std::string user_agent);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  HttpExchange perform(const HttpRequest& request);

 private:
  struct Shared;
  std::string user_agent_;
  std::unique_ptr<Shared> shared_;
};

}  // namespace berth
