// What one RegistryClient remembers between requests, and the request core
// every registry call goes through: scheme choice per registry (https, or
// plain http for loopback and insecure registries), authorization (the 401
// challenge, Bearer tokens cached per scope, Basic), and redirects followed
// hop by hop so that credentials never leave the registry's host and no hop
// downgrades to plain http on the open network. Internal to src/registry.
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "registry/credentials.h"
#include "registry/http_client.h"
#include "registry/registry_options.h"
#include "registry/tls_config.h"
#include "registry/token_auth.h"
#include "registry/www_authenticate.h"

namespace berth {

inline constexpr int kMaxRedirects = 8;

struct RegistryCall {
  std::string method = "GET";
  std::string url;  // absolute, usually from RegistrySession::base_url
  std::vector<std::string> headers;
  BodyReader read_body;
  uint64_t body_size = 0;
  std::function<void(uint64_t sent)> on_sent;
  BodyStream stream;
  size_t max_body = 64 << 10;
  std::vector<std::string> scopes;  // token scopes this request needs
};

// "repository:<name>:pull" and friends.
std::string pull_scope(std::string_view repository);
std::string push_scope(std::string_view repository);

class RegistrySession {
 public:
  // fixed_credentials replace the docker config's (for a login check).
  explicit RegistrySession(RegistryOptions options, std::optional<Credentials> fixed_credentials = std::nullopt);

  const RegistryOptions& options() const { return options_; }
  HttpClient& http() { return http_; }

  // "https://registry-1.docker.io", "http://127.0.0.1:5000". An insecure
  // registry is probed once (GET /v2/ over https, then http), as Docker does.
  Result<std::string> base_url(std::string_view authority);

  // One request with authorization and redirects. Policy failures (a refused
  // redirect, too many redirects, a failed token request) are errors; a
  // transport failure or an HTTP error status is in the returned exchange.
  Result<HttpExchange> send(std::string_view authority, const RegistryCall& call);

  // send(), repeated with backoff while the failure is transient (broken
  // connection, timeout, 429, 502–504), up to options().max_attempts. For
  // requests that may be repeated as they are (not for streamed bodies).
  Result<HttpExchange> send_with_retries(std::string_view authority, const RegistryCall& call);

  // Sleeps before attempt number `next_attempt` (2, 3, …): the backoff doubles each time.
  void pause_before(int next_attempt) const;

  bool plain_http_allowed(std::string_view authority) const;

 private:
  struct HostState {
    std::string scheme;  // empty until decided
    std::optional<AuthChallenge> challenge;
    bool credentials_loaded = false;
    std::optional<Credentials> credentials;
  };

  bool is_insecure(std::string_view authority) const;
  Result<const TlsConfig*> tls_for(std::string_view authority);
  Result<std::optional<Credentials>> credentials_for(std::string_view authority);
  // The Authorization header for a request to `authority`, if its challenge is known.
  Result<std::optional<std::string>> authorization(std::string_view authority, const std::vector<std::string>& scopes);
  // Records a 401's challenge; false when there is none we can answer.
  Result<bool> accept_challenge(std::string_view authority, const HttpResponse& response,
                                const std::vector<std::string>& scopes);
  static std::string token_key(const AuthChallenge& challenge, const std::vector<std::string>& scopes);

  RegistryOptions options_;
  std::optional<Credentials> fixed_credentials_;
  HttpClient http_;
  std::mutex mutex_;  // guards the maps below
  std::map<std::string, HostState, std::less<>> hosts_;
  std::map<std::string, TlsConfig, std::less<>> tls_;
  std::map<std::string, BearerToken, std::less<>> tokens_;
  std::mutex token_fetch_mutex_;  // one token request at a time: parallel blob fetches wait for the first
};

}  // namespace berth
