#include "registry/token_auth.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "registry/base64.h"
#include "registry/registry_error.h"
#include "registry/url.h"

namespace berth {

namespace {

constexpr size_t kTokenBodyMax = 1 << 20;

Result<std::string> token_url(const TokenRequest& request, const std::string& realm) {
  std::string url = realm;
  if (auto service = request.challenge.param("service"); !service.empty()) {
    BERTH_ASSIGN(url, append_query(url, "service", service));
  }
  for (const auto& scope : request.scopes) {
    BERTH_ASSIGN(url, append_query(url, "scope", scope));
  }
  if (request.credentials && !request.credentials->username.empty()) {
    BERTH_ASSIGN(url, append_query(url, "account", request.credentials->username));
  }
  return url;
}

// application/x-www-form-urlencoded body of the OAuth2 refresh-token grant.
std::string refresh_form(const TokenRequest& request) {
  std::string scopes;
  for (const auto& scope : request.scopes) scopes += (scopes.empty() ? "" : " ") + scope;
  std::string form =
      "grant_type=refresh_token&client_id=berth&refresh_token=" + percent_encode(request.credentials->identity_token);
  if (auto service = request.challenge.param("service"); !service.empty())
    form += "&service=" + percent_encode(service);
  if (!scopes.empty()) form += "&scope=" + percent_encode(scopes);
  return form;
}

Result<BearerToken> parse_token_response(std::string_view realm, std::string_view body) {
  auto json = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!json.is_object()) return fail("token response from {} is not valid JSON", realm);
  BearerToken token;
  for (const char* key : {"token", "access_token"}) {
    auto field = json.find(key);
    if (field != json.end() && field->is_string() && !field->get<std::string>().empty()) {
      token.token = field->get<std::string>();
      break;
    }
  }
  if (token.token.empty()) return fail("token response from {} has no token", realm);
  // A token that cannot travel in a header must not be sent: it would split or inject headers.
  for (char c : token.token) {
    if (static_cast<unsigned char>(c) < 0x21 || c == 0x7f)
      return fail("token from {} contains control characters", realm);
  }
  if (auto expires = json.find("expires_in"); expires != json.end() && expires->is_number_integer()) {
    // The spec's minimum is 60 s; a smaller value is treated as 60 s, as Docker does.
    auto seconds = std::max<int64_t>(expires->get<int64_t>(), 60);
    // Renew 10 s early so a token does not expire between check and use.
    token.expires = std::chrono::steady_clock::now() + std::chrono::seconds(seconds - 10);
  }
  return token;
}

}  // namespace

std::string basic_authorization_header(const Credentials& credentials) {
  return "Authorization: Basic " + base64_encode(credentials.username + ":" + credentials.password);
}

Result<BearerToken> fetch_bearer_token(HttpClient& http, const TokenRequest& request) {
  std::string realm = request.challenge.param("realm");
  if (realm.empty()) return fail("Bearer challenge without a realm");
  BERTH_ASSIGN(UrlParts realm_url, parse_url(realm));
  if (realm_url.scheme == "http" && !request.allow_plain_http) {
    return fail("refusing token realm {}: plain http to a host that is neither loopback nor an insecure registry",
                realm);
  }

  HttpRequest http_request;
  http_request.max_body = kTokenBodyMax;
  http_request.tls = request.tls;
  http_request.allow_proxy = !is_loopback_host(realm_url.host);
  std::string form;
  bool refresh = request.credentials && !request.credentials->identity_token.empty();
  if (refresh) {
    form = refresh_form(request);
    http_request.method = "POST";
    http_request.url = realm;
    http_request.headers.push_back("Content-Type: application/x-www-form-urlencoded");
    http_request.body_size = form.size();
    http_request.read_body = body_from_string(form);
  } else {
    BERTH_ASSIGN(http_request.url, token_url(request, realm));
    if (request.credentials && !request.credentials->username.empty()) {
      http_request.headers.push_back(basic_authorization_header(*request.credentials));
    }
  }

  HttpExchange exchange = http.perform(http_request);
  if (!exchange) return std::unexpected(http_exchange_error(http_request.method, realm, exchange));
  if (exchange.response.status != 200)
    return std::unexpected(http_status_error(http_request.method, exchange.response));
  return parse_token_response(url_without_query(realm), exchange.response.body);
}

}  // namespace berth
