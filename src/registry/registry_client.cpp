// RegistryClient: manifests, small blobs, existence checks and the login
// check. Streaming blob transfers are in blob_fetch.cpp and blob_push.cpp.
#include "registry/registry_client.h"

#include "registry/manifest_media_type.h"
#include "registry/registry_error.h"
#include "registry/registry_session.h"
#include "registry/url.h"

namespace berth {

namespace {

Error exchange_error(const RegistryCall& call, const HttpExchange& exchange) {
  return http_exchange_error(call.method, call.url, exchange);
}

// A Docker-Content-Digest header that names other content than we received.
Status check_content_digest_header(const HttpResponse& response, const Digest& actual, std::string_view what) {
  auto header = response.headers.get("Docker-Content-Digest");
  if (!header || header->empty()) return {};
  // Only sha256 is comparable; a registry reporting another algorithm says nothing against our bytes.
  if (!header->starts_with("sha256:")) return {};
  auto claimed = Digest::parse(*header);
  if (!claimed) return fail("{}: invalid Docker-Content-Digest header: {}", what, claimed.error().message);
  if (*claimed != actual) {
    return fail("{}: digest mismatch: Docker-Content-Digest says {}, content is {}", what, *claimed, actual);
  }
  return {};
}

// "https://index.docker.io/v1/", "docker.io", "localhost:5000" → the host to talk to.
std::string registry_authority(std::string_view server) {
  if (auto scheme = server.find("://"); scheme != std::string_view::npos) server.remove_prefix(scheme + 3);
  server = server.substr(0, server.find('/'));
  if (server.empty() || server == kDockerHubDomain || server == "index.docker.io") {
    return std::string(kDockerHubRegistryHost);
  }
  return std::string(server);
}

}  // namespace

RegistryClient::RegistryClient(RegistryOptions options)
    : options_(options), session_(std::make_unique<RegistrySession>(std::move(options))) {}
RegistryClient::~RegistryClient() = default;
RegistryClient::RegistryClient(RegistryClient&&) noexcept = default;
RegistryClient& RegistryClient::operator=(RegistryClient&&) noexcept = default;

Result<Manifest> RegistryClient::get_manifest(const ImageReference& ref) {
  if (ref.digest) return get_manifest(ref, *ref.digest);
  if (ref.tag.empty()) return fail("get manifest {}: the reference has neither tag nor digest", ref.str());
  std::string authority = ref.registry_host();
  BERTH_ASSIGN(std::string base, session_->base_url(authority));
  RegistryCall call;
  call.url = fmt::format("{}/v2/{}/manifests/{}", base, ref.repository, ref.tag);
  call.headers.push_back(fmt::format("Accept: {}", manifest_accept_header()));
  call.max_body = kMaxManifestBytes;
  call.scopes = {pull_scope(ref.repository)};
  BERTH_ASSIGN(HttpExchange exchange, session_->send_with_retries(authority, call));
  if (exchange.failure == HttpFailure::body_too_large) {
    return fail("GET {}: manifest is larger than {} MiB", call.url, kMaxManifestBytes >> 20);
  }
  if (!exchange) return std::unexpected(exchange_error(call, exchange));
  if (exchange.response.status != 200) return std::unexpected(http_status_error(call.method, exchange.response));

  Manifest manifest;
  auto type = manifest_media_type(exchange.response.headers.get("Content-Type").value_or(""), exchange.response.body);
  if (!type) return with_context(std::move(type), fmt::format("GET {}", call.url));
  manifest.media_type = std::move(*type);
  manifest.digest = Digest::of(exchange.response.body);
  BERTH_TRY(check_content_digest_header(exchange.response, manifest.digest, fmt::format("manifest {}", ref.str())));
  manifest.bytes = std::move(exchange.response.body);
  return manifest;
}

Result<Manifest> RegistryClient::get_manifest(const ImageReference& repo, const Digest& digest) {
  std::string authority = repo.registry_host();
  BERTH_ASSIGN(std::string base, session_->base_url(authority));
  RegistryCall call;
  call.url = fmt::format("{}/v2/{}/manifests/{}", base, repo.repository, digest);
  call.headers.push_back(fmt::format("Accept: {}", manifest_accept_header()));
  call.max_body = kMaxManifestBytes;
  call.scopes = {pull_scope(repo.repository)};
  BERTH_ASSIGN(HttpExchange exchange, session_->send_with_retries(authority, call));
  if (exchange.failure == HttpFailure::body_too_large) {
    return fail("GET {}: manifest is larger than {} MiB", call.url, kMaxManifestBytes >> 20);
  }
  if (!exchange) return std::unexpected(exchange_error(call, exchange));
  if (exchange.response.status != 200) return std::unexpected(http_status_error(call.method, exchange.response));

  Manifest manifest;
  manifest.digest = Digest::of(exchange.response.body);
  // Content addressing is the whole point of pulling by digest: check before anything else trusts the body.
  if (manifest.digest != digest) {
    return fail("manifest {}: digest mismatch: registry sent content with digest {}", digest, manifest.digest);
  }
  BERTH_TRY(check_content_digest_header(exchange.response, manifest.digest, fmt::format("manifest {}", digest)));
  auto type = manifest_media_type(exchange.response.headers.get("Content-Type").value_or(""), exchange.response.body);
  if (!type) return with_context(std::move(type), fmt::format("GET {}", call.url));
  manifest.media_type = std::move(*type);
  manifest.bytes = std::move(exchange.response.body);
  return manifest;
}

Result<std::string> RegistryClient::fetch_small_blob(const ImageReference& repo, const Digest& digest,
                                                     size_t max_bytes) {
  std::string authority = repo.registry_host();
  BERTH_ASSIGN(std::string base, session_->base_url(authority));
  RegistryCall call;
  call.url = fmt::format("{}/v2/{}/blobs/{}", base, repo.repository, digest);
  call.max_body = max_bytes;
  call.scopes = {pull_scope(repo.repository)};
  BERTH_ASSIGN(HttpExchange exchange, session_->send_with_retries(authority, call));
  if (exchange.failure == HttpFailure::body_too_large) return fail("blob {}: larger than {} bytes", digest, max_bytes);
  if (!exchange) return std::unexpected(exchange_error(call, exchange));
  if (exchange.response.status != 200) return std::unexpected(http_status_error(call.method, exchange.response));
  if (auto actual = Digest::of(exchange.response.body); actual != digest) {
    return fail("blob {}: digest mismatch: registry sent content with digest {}", digest, actual);
  }
  return std::move(exchange.response.body);
}

Result<bool> RegistryClient::blob_exists(const ImageReference& repo, const Digest& digest) {
  std::string authority = repo.registry_host();
  BERTH_ASSIGN(std::string base, session_->base_url(authority));
  RegistryCall call;
  call.method = "HEAD";
  call.url = fmt::format("{}/v2/{}/blobs/{}", base, repo.repository, digest);
  call.scopes = {pull_scope(repo.repository)};
  BERTH_ASSIGN(HttpExchange exchange, session_->send_with_retries(authority, call));
  if (!exchange) return std::unexpected(exchange_error(call, exchange));
  if (exchange.response.status == 200) return true;
  if (exchange.response.status == 404) return false;
  return std::unexpected(http_status_error(call.method, exchange.response));
}

Result<Digest> RegistryClient::put_manifest(const ImageReference& ref, const Manifest& manifest) {
  Digest digest = Digest::of(manifest.bytes);
  if (!manifest.digest.empty() && manifest.digest != digest) {
    return fail("put manifest {}: its digest {} does not match its bytes ({})", ref.str(), manifest.digest, digest);
  }
  if (ref.digest && *ref.digest != digest) {
    return fail("put manifest {}: the manifest's digest is {}", ref.str(), digest);
  }
  if (manifest.media_type.empty()) return fail("put manifest {}: no media type", ref.str());
  std::string reference = !ref.tag.empty() ? ref.tag : ref.digest ? ref.digest->str() : std::string();
  if (reference.empty()) return fail("put manifest {}: the reference has neither tag nor digest", ref.str());

  std::string authority = ref.registry_host();
  BERTH_ASSIGN(std::string base, session_->base_url(authority));
  RegistryCall call;
  call.method = "PUT";
  call.url = fmt::format("{}/v2/{}/manifests/{}", base, ref.repository, reference);
  call.headers.push_back("Content-Type: " + manifest.media_type);
  call.body_size = manifest.bytes.size();
  call.read_body = body_from_string(manifest.bytes);
  call.scopes = {push_scope(ref.repository)};
  BERTH_ASSIGN(HttpExchange exchange, session_->send_with_retries(authority, call));
  if (!exchange) return std::unexpected(exchange_error(call, exchange));
  if (exchange.response.status < 200 || exchange.response.status >= 300) {
    return std::unexpected(http_status_error(call.method, exchange.response));
  }
  BERTH_TRY(check_content_digest_header(exchange.response, digest, fmt::format("put manifest {}", ref.str())));
  return digest;
}

Status RegistryClient::check_login(std::string_view registry_host, const Credentials& credentials) {
  std::string authority = registry_authority(registry_host);
  // A session of its own: these credentials are on trial and must not mix with the config's or their tokens.
  RegistrySession session(options_, credentials);
  auto checked = [&]() -> Status {
    BERTH_ASSIGN(std::string base, session.base_url(authority));
    RegistryCall call;
    call.url = base + "/v2/";
    BERTH_ASSIGN(HttpExchange exchange, session.send_with_retries(authority, call));
    if (!exchange) return std::unexpected(exchange_error(call, exchange));
    if (exchange.response.status != 200) return std::unexpected(http_status_error(call.method, exchange.response));
    return {};
  }();
  if (!checked) return with_context(std::move(checked), fmt::format("login to {}", registry_host));
  return {};
}

}  // namespace berth
