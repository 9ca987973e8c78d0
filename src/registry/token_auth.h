// The Bearer token dance of the distribution spec ("Token Authentication
// Specification"): trade credentials (or nothing, for anonymous pulls) at the
// realm named by a 401's challenge for a token scoped to repositories.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "registry/credentials.h"
#include "registry/http_client.h"
#include "registry/www_authenticate.h"

namespace berth {

struct BearerToken {
  std::string token;
  // From "expires_in" when the server gives one; otherwise the token serves the client's life.
  std::optional<std::chrono::steady_clock::time_point> expires;
};

struct TokenRequest {
  AuthChallenge challenge;          // a Bearer challenge: realm, service
  std::vector<std::string> scopes;  // "repository:library/busybox:pull"; empty for a login check
  std::optional<Credentials> credentials;
  const TlsConfig* tls = nullptr;
  // The realm may be plain http only when its host is loopback or an insecure
  // registry: otherwise credentials (and the token) would cross the network in clear.
  bool allow_plain_http = false;
};

// GET <realm>?service=…&scope=…&account=… with Basic credentials when we have
// them; with an identity token, the OAuth2 refresh-token POST instead.
// Accepts {"token"} or {"access_token"}; the body is capped at 1 MiB.
Result<BearerToken> fetch_bearer_token(HttpClient& http, const TokenRequest& request);

// "Authorization: Basic <base64 user:password>"
std::string basic_authorization_header(const Credentials& credentials);

}  // namespace berth
