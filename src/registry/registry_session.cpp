#include "registry/registry_session.h"

#include <arpa/inet.h>

#include <algorithm>
#include <thread>

#include "registry/registry_error.h"
#include "registry/url.h"

namespace berth {

namespace {

bool is_redirect(long status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

bool is_retryable_status(long status) { return status == 429 || status == 502 || status == 503 || status == 504; }

std::string lowercase(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// "http://host:5000/" as users write insecure registries → "host:5000".
std::string bare_authority(std::string_view entry) {
  if (auto scheme = entry.find("://"); scheme != std::string_view::npos) entry.remove_prefix(scheme + 3);
  return lowercase(entry.substr(0, entry.find('/')));
}

// "10.0.0.0/8" contains the IPv4 host?
bool cidr_contains(std::string_view cidr, const std::string& host) {
  auto slash = cidr.find('/');
  if (slash == std::string_view::npos) return false;
  std::string network(cidr.substr(0, slash));
  int bits = 0;
  try {
    bits = std::stoi(std::string(cidr.substr(slash + 1)));
  } catch (...) {
    return false;
  }
  in_addr network_address{}, host_address{};
  if (bits < 0 || bits > 32 || inet_pton(AF_INET, network.c_str(), &network_address) != 1 ||
      inet_pton(AF_INET, host.c_str(), &host_address) != 1) {
    return false;
  }
  uint32_t mask = bits == 0 ? 0 : ~uint32_t{0} << (32 - bits);
  return (ntohl(network_address.s_addr) & mask) == (ntohl(host_address.s_addr) & mask);
}

}  // namespace

std::string pull_scope(std::string_view repository) { return fmt::format("repository:{}:pull", repository); }
std::string push_scope(std::string_view repository) { return fmt::format("repository:{}:pull,push", repository); }

RegistrySession::RegistrySession(RegistryOptions options, std::optional<Credentials> fixed_credentials)
    : options_(std::move(options)), fixed_credentials_(std::move(fixed_credentials)), http_(options_.user_agent) {}

bool RegistrySession::is_insecure(std::string_view authority) const {
  std::string wanted = lowercase(authority);
  std::string host = host_of_authority(wanted);
  for (const auto& entry : options_.insecure_registries) {
    if (entry.find('/') != std::string::npos && entry.find("://") == std::string::npos) {
      if (cidr_contains(entry, host)) return true;
      continue;
    }
    if (bare_authority(entry) == wanted) return true;
  }
  return false;
}

bool RegistrySession::plain_http_allowed(std::string_view authority) const {
  return is_loopback_host(authority) || is_insecure(authority);
}

void RegistrySession::pause_before(int next_attempt) const {
  auto delay = options_.retry_backoff * (1 << std::min(next_attempt - 2, 6));
  std::this_thread::sleep_for(std::min<std::chrono::milliseconds>(delay, std::chrono::seconds(30)));
}

Result<std::string> RegistrySession::base_url(std::string_view authority) {
  std::string key = lowercase(authority);
  {
    std::lock_guard lock(mutex_);
    if (auto it = hosts_.find(key); it != hosts_.end() && !it->second.scheme.empty()) {
      return it->second.scheme + "://" + std::string(authority);
    }
  }
  std::string scheme = "https";
  if (is_insecure(key)) {
    // Docker's order for an insecure registry: https without verification, then plain http.
    BERTH_ASSIGN(const TlsConfig* tls, tls_for(key));
    HttpRequest probe;
    probe.url = fmt::format("https://{}/v2/", authority);
    probe.tls = tls;
    probe.allow_proxy = !is_loopback_host(key);
    HttpExchange over_https = http_.perform(probe);
    if (!over_https) {
      probe.url = fmt::format("http://{}/v2/", authority);
      HttpExchange over_http = http_.perform(probe);
      // An https server answers plain http too, with a 400 ("Client sent an
      // HTTP request to an HTTPS server"): that is no registry over http.
      if (!over_http || over_http.response.status == 400) {
        return fail("registry {} answers neither https ({}) nor http ({})", authority, over_https.error.message,
                    over_http ? over_http.response.status_line() : over_http.error.message);
      }
      scheme = "http";
    }
  } else if (is_loopback_host(key)) {
    scheme = "http";
  }
  std::lock_guard lock(mutex_);
  hosts_[key].scheme = scheme;
  return scheme + "://" + std::string(authority);
}

Result<const TlsConfig*> RegistrySession::tls_for(std::string_view authority) {
  std::string key = lowercase(authority);
  {
    std::lock_guard lock(mutex_);
    if (auto it = tls_.find(key); it != tls_.end()) return &it->second;
  }
  BERTH_ASSIGN(TlsConfig config, options_.cert_dir.empty() ? load_tls_config(options_.certs_dirs, key)
                                                           : load_tls_directory(options_.cert_dir));
  config.verify_peer = !is_insecure(key);
  std::lock_guard lock(mutex_);
  return &tls_.try_emplace(key, std::move(config)).first->second;
}

Result<std::optional<Credentials>> RegistrySession::credentials_for(std::string_view authority) {
  if (fixed_credentials_) return fixed_credentials_;
  std::string key = lowercase(authority);
  {
    std::lock_guard lock(mutex_);
    auto& host = hosts_[key];
    if (host.credentials_loaded) return host.credentials;
  }
  std::optional<Credentials> credentials;
  if (!options_.docker_config.empty()) {
    auto loaded = load_credentials(options_.docker_config, key);
    if (!loaded) return with_context(std::move(loaded), fmt::format("credentials for {}", authority));
    credentials = std::move(*loaded);
  }
  std::lock_guard lock(mutex_);
  auto& host = hosts_[key];
  host.credentials_loaded = true;
  host.credentials = credentials;
  return credentials;
}

std::string RegistrySession::token_key(const AuthChallenge& challenge, const std::vector<std::string>& scopes) {
  std::vector<std::string> sorted = scopes;
  std::ranges::sort(sorted);
  std::string key = challenge.param("realm") + "\n" + challenge.param("service");
  for (const auto& scope : sorted) key += "\n" + scope;
  return key;
}

Result<std::optional<std::string>> RegistrySession::authorization(std::string_view authority,
                                                                  const std::vector<std::string>& scopes) {
  std::optional<AuthChallenge> challenge;
  {
    std::lock_guard lock(mutex_);
    if (auto it = hosts_.find(lowercase(authority)); it != hosts_.end()) challenge = it->second.challenge;
  }
  if (!challenge) return std::nullopt;  // the registry has not asked for anything yet
  BERTH_ASSIGN(std::optional<Credentials> credentials, credentials_for(authority));

  if (challenge->scheme == "basic") {
    if (!credentials || credentials->username.empty()) return std::nullopt;
    return basic_authorization_header(*credentials);
  }

  std::string key = token_key(*challenge, scopes);
  auto cached = [&]() -> std::optional<std::string> {
    std::lock_guard lock(mutex_);
    auto it = tokens_.find(key);
    if (it == tokens_.end()) return std::nullopt;
    if (it->second.expires && *it->second.expires <= std::chrono::steady_clock::now()) return std::nullopt;
    return "Authorization: Bearer " + it->second.token;
  };
  if (auto header = cached()) return header;
  std::lock_guard fetch_lock(token_fetch_mutex_);
  if (auto header = cached()) return header;  // another thread fetched it while we waited

  TokenRequest request{.challenge = *challenge, .scopes = scopes, .credentials = credentials};
  BERTH_ASSIGN(UrlParts realm, parse_url(challenge->param("realm")));
  BERTH_ASSIGN(request.tls, tls_for(realm.authority));
  request.allow_plain_http = plain_http_allowed(realm.authority);
  auto token = fetch_bearer_token(http_, request);
  if (!token) return with_context(std::move(token), fmt::format("authenticate to {}", authority));
  std::lock_guard lock(mutex_);
  auto& stored = tokens_[key] = std::move(*token);
  return "Authorization: Bearer " + stored.token;
}

Result<bool> RegistrySession::accept_challenge(std::string_view authority, const HttpResponse& response,
                                               const std::vector<std::string>& scopes) {
  auto challenge = choose_challenge(response.headers.get_all("WWW-Authenticate"));
  if (!challenge) return false;
  if (challenge->scheme == "basic") {
    BERTH_ASSIGN(std::optional<Credentials> credentials, credentials_for(authority));
    if (!credentials || credentials->username.empty()) return false;  // nothing to answer with
  }
  std::lock_guard lock(mutex_);
  hosts_[lowercase(authority)].challenge = challenge;
  // A token we sent was refused (expired, or too narrow): the retry must fetch a new one.
  if (challenge->scheme == "bearer") tokens_.erase(token_key(*challenge, scopes));
  return true;
}

Result<HttpExchange> RegistrySession::send(std::string_view authority, const RegistryCall& call) {
  std::string registry = lowercase(authority);
  std::string url = call.url;
  std::string method = call.method;
  bool with_body = static_cast<bool>(call.read_body);
  bool challenge_answered = false;
  int redirects = 0;
  for (;;) {
    BERTH_ASSIGN(UrlParts target, parse_url(url));
    bool to_registry = lowercase(target.authority) == registry;
    // Only a redirect can lead elsewhere; it must not downgrade to clear text on the open network.
    if (target.scheme == "http" && !plain_http_allowed(target.authority)) {
      return fail("{} {}: refusing plain http to {} (not loopback, not an insecure registry)", method,
                  url_without_query(call.url), target.authority);
    }
    HttpRequest request;
    request.method = method;
    request.url = url;
    request.headers = call.headers;
    if (with_body) {
      request.read_body = call.read_body;
      request.body_size = call.body_size;
      request.on_sent = call.on_sent;
    }
    request.stream = call.stream;
    request.max_body = call.max_body;
    BERTH_ASSIGN(request.tls, tls_for(target.authority));
    request.allow_proxy = !is_loopback_host(target.host);
    // Credentials go to the registry's own host only, never to the storage a blob redirects to.
    if (to_registry) {
      BERTH_ASSIGN(std::optional<std::string> header, authorization(registry, call.scopes));
      if (header) request.headers.push_back(std::move(*header));
    }

    HttpExchange exchange = http_.perform(request);
    if (!exchange) return exchange;
    long status = exchange.response.status;
    if (status == 401 && to_registry && !challenge_answered) {
      BERTH_ASSIGN(bool answerable, accept_challenge(registry, exchange.response, call.scopes));
      if (!answerable) return exchange;
      challenge_answered = true;
      continue;
    }
    if (is_redirect(status)) {
      auto location = exchange.response.headers.get("Location");
      if (!location) return exchange;
      if (++redirects > kMaxRedirects) {
        return fail("{} {}: too many redirects (more than {})", call.method, url_without_query(call.url),
                    kMaxRedirects);
      }
      BERTH_ASSIGN(url, resolve_url(url, *location));
      if (status == 303 && method != "HEAD") {
        method = "GET";
        with_body = false;
      }
      continue;
    }
    return exchange;
  }
}

Result<HttpExchange> RegistrySession::send_with_retries(std::string_view authority, const RegistryCall& call) {
  int attempts = std::max(options_.max_attempts, 1);
  for (int attempt = 1;; ++attempt) {
    BERTH_ASSIGN(HttpExchange exchange, send(authority, call));
    bool transient = exchange ? is_retryable_status(exchange.response.status) : exchange.transient;
    if (!transient || attempt >= attempts) return exchange;
    pause_before(attempt + 1);
  }
}

}  // namespace berth
