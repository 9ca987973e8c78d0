#include "registry/http_client.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <mutex>

#include "registry/curl_loader.h"

namespace berth {

namespace {

// Limits from the registry client's brief: a dead peer is noticed within a
// minute, a slow one is tolerated as long as it moves at least 1 KiB/s.
constexpr long kConnectTimeoutSeconds = 30;
constexpr long kLowSpeedBytesPerSecond = 1024;
constexpr long kLowSpeedSeconds = 60;

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::ranges::equal(a, b, [](unsigned char x, unsigned char y) { return std::tolower(x) == std::tolower(y); });
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r' || text.back() == '\n')) {
    text.remove_suffix(1);
  }
  return text;
}

// HTTP/2 has no reason phrases; error messages still want one.
std::string_view standard_reason(long status) {
  switch (status) {
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 202:
      return "Accepted";
    case 204:
      return "No Content";
    case 206:
      return "Partial Content";
    case 301:
      return "Moved Permanently";
    case 302:
      return "Found";
    case 303:
      return "See Other";
    case 307:
      return "Temporary Redirect";
    case 308:
      return "Permanent Redirect";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 416:
      return "Range Not Satisfiable";
    case 429:
      return "Too Many Requests";
    case 500:
      return "Internal Server Error";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    default:
      return "";
  }
}

bool is_transient(CURLcode code) {
  switch (code) {
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_PARTIAL_FILE:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
      return true;
    default:
      return false;
  }
}

bool is_connection_closed(CURLcode code) {
  return code == CURLE_PARTIAL_FILE || code == CURLE_RECV_ERROR || code == CURLE_SEND_ERROR ||
         code == CURLE_GOT_NOTHING;
}

// State of one perform(), reached from curl's callbacks.
struct Transfer {
  const HttpRequest* request = nullptr;
  CURL* handle = nullptr;
  HttpExchange exchange;
  uint64_t sent = 0;
  bool error_body_cut = false;    // an error body reached max_body: we stopped reading on purpose
  bool headers_complete = false;  // the final response's blank line arrived
};

// With TLS 1.3 a server refuses a client certificate (or its absence) only
// after the client has finished its side of the handshake, so curl sees a
// send or receive error: with the server's alert, or only a reset when that
// arrives first. Taken for that refusal, which starting over cannot help,
// only in the narrowest case: a new connection (not a reused one) to the
// URL asked for (no redirect, so never a CDN's), handshake done, and nothing
// of a body sent (a broken upload stays a broken connection) nor received.
bool refused_after_handshake(CURL* curl, CURLcode code, const Transfer& transfer, long status) {
  if (status != 0 || transfer.sent != 0 || (code != CURLE_SEND_ERROR && code != CURLE_RECV_ERROR)) return false;
  if (!transfer.request->url.starts_with("https://")) return false;
  long new_connections = 0, redirects = 0;
  curl_off_t handshake_done = 0;
  return curl_easy_getinfo(curl, CURLINFO_NUM_CONNECTS, &new_connections) == CURLE_OK && new_connections > 0 &&
         curl_easy_getinfo(curl, CURLINFO_REDIRECT_COUNT, &redirects) == CURLE_OK && redirects == 0 &&
         curl_easy_getinfo(curl, CURLINFO_APPCONNECT_TIME_T, &handshake_done) == CURLE_OK && handshake_done > 0;
}

size_t on_header(char* data, size_t size, size_t count, void* user) {
  auto& transfer = *static_cast<Transfer*>(user);
  std::string_view line(data, size * count);
  auto& response = transfer.exchange.response;
  if (line.starts_with("HTTP/")) {
    // A new response (after "100 Continue", say): headers start over.
    response.headers.clear();
    transfer.headers_complete = false;
    auto first_space = line.find(' ');
    auto second_space = first_space == line.npos ? line.npos : line.find(' ', first_space + 1);
    response.reason = second_space == line.npos ? "" : std::string(trim(line.substr(second_space + 1)));
    return line.size();
  }
  if (line == "\r\n" || line == "\n") {
    long status = 0;
    curl_easy_getinfo(transfer.handle, CURLINFO_RESPONSE_CODE, &status);
    transfer.headers_complete = status >= 200;
    return line.size();
  }
  auto colon = line.find(':');
  if (colon != std::string_view::npos) {
    response.headers.add(std::string(trim(line.substr(0, colon))), std::string(trim(line.substr(colon + 1))));
  }
  return line.size();
}

size_t on_body(char* data, size_t size, size_t count, void* user) {
  auto& transfer = *static_cast<Transfer*>(user);
  size_t length = size * count;
  auto& exchange = transfer.exchange;
  auto& response = exchange.response;
  long status = 0;
  curl_easy_getinfo(transfer.handle, CURLINFO_RESPONSE_CODE, &status);
  response.status = status;
  bool success = status >= 200 && status < 300;
  if (success && transfer.request->stream) {
    auto streamed = transfer.request->stream(response, std::as_bytes(std::span(data, length)));
    if (!streamed) {
      exchange.failure = HttpFailure::stream;
      exchange.error = std::move(streamed.error());
      return 0;  // CURLE_WRITE_ERROR ends the transfer
    }
    response.body_bytes += length;
    return length;
  }
  size_t limit = transfer.request->max_body;
  if (response.body.size() + length > limit) {
    if (success) {
      exchange.failure = HttpFailure::body_too_large;
      exchange.error = Error{fmt::format("response body exceeds the limit of {} bytes", limit)};
      return 0;
    }
    // An error body only feeds an error message: keep its start and stop reading.
    response.body.append(data, limit - response.body.size());
    response.body_bytes = response.body.size();
    transfer.error_body_cut = true;
    return 0;
  }
  response.body.append(data, length);
  response.body_bytes += length;
  return length;
}

size_t on_read(char* buffer, size_t size, size_t count, void* user) {
  auto& transfer = *static_cast<Transfer*>(user);
  const auto& request = *transfer.request;
  uint64_t left = request.body_size - transfer.sent;
  size_t want = static_cast<size_t>(std::min<uint64_t>(left, size * count));
  if (want == 0 || !request.read_body) return 0;
  auto read = request.read_body(transfer.sent, std::as_writable_bytes(std::span(buffer, want)));
  if (!read || *read == 0) {
    transfer.exchange.failure = HttpFailure::body_source;
    transfer.exchange.error =
        read ? Error{fmt::format("request body ended after {} of {} bytes", transfer.sent, request.body_size)}
             : std::move(read.error());
    return CURL_READFUNC_ABORT;
  }
  size_t got = std::min(*read, want);
  transfer.sent += got;
  if (request.on_sent) request.on_sent(transfer.sent);
  return got;
}

struct HandleDeleter {
  void operator()(CURL* handle) const { curl_easy_cleanup(handle); }
};
struct HeaderListDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};

}  // namespace

BodyReader body_from_string(std::string_view data) {
  return [data](uint64_t offset, std::span<std::byte> buffer) -> Result<size_t> {
    if (offset >= data.size()) return 0;
    size_t n = std::min<size_t>(buffer.size(), data.size() - static_cast<size_t>(offset));
    std::memcpy(buffer.data(), data.data() + offset, n);
    return n;
  };
}

std::optional<std::string> HttpHeaders::get(std::string_view name) const {
  for (const auto& [key, value] : entries_) {
    if (equals_ignoring_case(key, name)) return value;
  }
  return std::nullopt;
}

std::vector<std::string> HttpHeaders::get_all(std::string_view name) const {
  std::vector<std::string> values;
  for (const auto& [key, value] : entries_) {
    if (equals_ignoring_case(key, name)) values.push_back(value);
  }
  return values;
}

std::string HttpResponse::status_line() const {
  std::string_view text = reason.empty() ? standard_reason(status) : std::string_view(reason);
  return text.empty() ? std::to_string(status) : fmt::format("{} {}", status, text);
}

struct HttpClient::Shared {
  CURLSH* share = nullptr;
  std::mutex locks[CURL_LOCK_DATA_LAST];

  Shared() {
    // Thread-safe and reference-counted in curl >= 7.84.
    curl_global_init(CURL_GLOBAL_DEFAULT);
    share = curl_share_init();
    curl_share_setopt(share, CURLSHOPT_LOCKFUNC, &Shared::lock);
    curl_share_setopt(share, CURLSHOPT_UNLOCKFUNC, &Shared::unlock);
    curl_share_setopt(share, CURLSHOPT_USERDATA, this);
    curl_share_setopt(share, CURLSHOPT_SHARE, CURL_LOCK_DATA_CONNECT);
    curl_share_setopt(share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
    curl_share_setopt(share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
  }
  ~Shared() {
    curl_share_cleanup(share);
    curl_global_cleanup();
  }
  static void lock(CURL*, curl_lock_data data, curl_lock_access, void* user) {
    static_cast<Shared*>(user)->locks[data].lock();
  }
  static void unlock(CURL*, curl_lock_data data, void* user) { static_cast<Shared*>(user)->locks[data].unlock(); }
};

HttpClient::HttpClient(std::string user_agent)
    : user_agent_(std::move(user_agent)), shared_(std::make_unique<Shared>()) {}
HttpClient::~HttpClient() = default;

HttpExchange HttpClient::perform(const HttpRequest& request) {
  Transfer transfer;
  transfer.request = &request;
  transfer.exchange.response.url = request.url;
  std::unique_ptr<CURL, HandleDeleter> handle(curl_easy_init());
  if (!handle) {
    transfer.exchange.failure = HttpFailure::transport;
    auto loaded = load_libcurl();
    transfer.exchange.error = loaded ? Error{"curl_easy_init failed"} : loaded.error();
    return std::move(transfer.exchange);
  }
  CURL* curl = handle.get();
  transfer.handle = curl;
  char error_buffer[CURL_ERROR_SIZE] = {};

  std::unique_ptr<curl_slist, HeaderListDeleter> headers;
  auto add_header = [&](const std::string& header) {
    headers.reset(curl_slist_append(headers.release(), header.c_str()));
  };
  for (const auto& header : request.headers) add_header(header);
  // No "Expect: 100-continue" round trip before uploads: registries answer the PUT directly.
  add_header("Expect:");

  curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(curl, CURLOPT_SHARE, shared_->share);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);  // no SIGALRM for DNS timeouts in a threaded program
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(curl, CURLOPT_USERAGENT, user_agent_.c_str());
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, kConnectTimeoutSeconds);
  curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, kLowSpeedBytesPerSecond);
  curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, kLowSpeedSeconds);
  curl_easy_setopt(curl, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_buffer);
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, &on_header);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &transfer);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &on_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &transfer);
  if (!request.allow_proxy) curl_easy_setopt(curl, CURLOPT_PROXY, "");

  if (request.method == "HEAD") {
    curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
  } else if (request.method != "GET") {
    // UPLOAD sends Content-Length (0 without a body); CUSTOMREQUEST names the method.
    curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE,
                     static_cast<curl_off_t>(request.read_body ? request.body_size : 0));
    curl_easy_setopt(curl, CURLOPT_READFUNCTION, &on_read);
    curl_easy_setopt(curl, CURLOPT_READDATA, &transfer);
  }

  if (const TlsConfig* tls = request.tls) {
    if (!tls->verify_peer) {
      curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 0L);
      curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 0L);
    }
    if (!tls->ca_pem.empty()) {
      curl_blob blob{const_cast<char*>(tls->ca_pem.data()), tls->ca_pem.size(), CURL_BLOB_COPY};
      curl_easy_setopt(curl, CURLOPT_CAINFO_BLOB, &blob);
    }
    if (!tls->client_cert.empty()) {
      curl_easy_setopt(curl, CURLOPT_SSLCERT, tls->client_cert.c_str());
      curl_easy_setopt(curl, CURLOPT_SSLKEY, tls->client_key.c_str());
    }
  }

  CURLcode code = curl_easy_perform(curl);
  auto& exchange = transfer.exchange;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &exchange.response.status);
  if (code == CURLE_OK || exchange.failure != HttpFailure::none) return std::move(exchange);
  if (code == CURLE_WRITE_ERROR && transfer.error_body_cut) return std::move(exchange);
  // A non-2xx body only feeds an error message: once the headers are complete, a
  // body cut short (docker-registry's 416 announces a length it never sends) still
  // leaves a usable answer.
  long status = exchange.response.status;
  if (transfer.headers_complete && (status < 200 || status >= 300)) return std::move(exchange);
  exchange.failure = HttpFailure::transport;
  exchange.error = Error{error_buffer[0] ? std::string(error_buffer) : std::string(curl_easy_strerror(code))};
  exchange.transient = is_transient(code);
  exchange.connection_closed = is_connection_closed(code);
  if (refused_after_handshake(curl, code, transfer, status)) {
    exchange.transient = false;
    exchange.connection_closed = false;
    exchange.error.message +=
        request.tls && !request.tls->client_cert.empty()
            ? fmt::format(" (the registry closed the connection after the TLS handshake: it may have refused the "
                          "client certificate {})",
                          request.tls->client_cert.string())
            : " (the registry closed the connection after the TLS handshake: it may require a client certificate, "
              "client.cert and client.key in certs.d/<host:port>/ or --cert-dir)";
  }
  return std::move(exchange);
}

}  // namespace berth
