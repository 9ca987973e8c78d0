// RegistryClient::push_blob: existence check, cross-repository mount, and
// monolithic, streamed or chunked upload (distribution spec, "Pushing blobs").
#include <algorithm>

#include "registry/registry_client.h"
#include "registry/registry_error.h"
#include "registry/registry_session.h"
#include "registry/url.h"

namespace berth {

namespace {

// A failed attempt, and whether starting the upload over may succeed.
struct PushFailure {
  Error error;
  bool transient = false;
};
template <class T>
using PushResult = std::expected<T, PushFailure>;

std::unexpected<PushFailure> permanent(Error error) { return std::unexpected(PushFailure{std::move(error), false}); }

bool is_retryable_status(long status) { return status == 429 || status == 502 || status == 503 || status == 504; }

// Sends a call; a response with a status outside `expected` becomes a failure.
PushResult<HttpResponse> exchange(RegistrySession& session, const std::string& authority, const RegistryCall& call,
                                  std::initializer_list<long> expected) {
  auto sent = session.send(authority, call);
  if (!sent) return permanent(std::move(sent.error()));
  HttpExchange& result = *sent;
  if (!result) {
    bool transient = result.failure == HttpFailure::transport && result.transient;
    return std::unexpected(PushFailure{http_exchange_error(call.method, call.url, result), transient});
  }
  if (std::ranges::find(expected, result.response.status) == expected.end()) {
    return std::unexpected(
        PushFailure{http_status_error(call.method, result.response), is_retryable_status(result.response.status)});
  }
  return std::move(result.response);
}

PushResult<std::string> location_of(const HttpResponse& response, std::string_view method) {
  auto location = response.headers.get("Location");
  if (!location || location->empty()) {
    return permanent(Error{fmt::format("{} {}: {} without a Location header", method, url_without_query(response.url),
                                       response.status_line())});
  }
  auto resolved = resolve_url(response.url, *location);
  if (!resolved) return permanent(std::move(resolved.error()));
  return std::move(*resolved);
}

}  // namespace

Result<RegistryClient::BlobPushOutcome> RegistryClient::push_blob(const ImageReference& repo, const BlobUpload& upload,
                                                                  const BlobProgress& progress) {
  std::string what = fmt::format("push blob {}", upload.digest);
  if (!upload.read_at && upload.size > 0) return fail("{}: no source to read the blob from", what);
  std::string authority = repo.registry_host();
  auto base = session_->base_url(authority);
  if (!base) return with_context(std::move(base), what);
  auto report = [&](uint64_t done) {
    if (progress.on_bytes) progress.on_bytes(done, upload.size);
  };

  std::vector<std::string> scopes = {push_scope(repo.repository)};
  bool mount = upload.mount_from_repository && !upload.mount_from_repository->empty() &&
               *upload.mount_from_repository != repo.repository;
  if (mount) scopes.push_back(pull_scope(*upload.mount_from_repository));
  std::string blob_url = fmt::format("{}/v2/{}/blobs/{}", *base, repo.repository, upload.digest);
  std::string uploads_url = fmt::format("{}/v2/{}/blobs/uploads/", *base, repo.repository);

  // As Docker does: a blob the repository already has is not sent again.
  {
    RegistryCall head;
    head.method = "HEAD";
    head.url = blob_url;
    head.scopes = scopes;
    auto sent = session_->send_with_retries(authority, head);
    if (!sent) return with_context(std::move(sent), what);
    if (!*sent) return std::unexpected(http_exchange_error(head.method, head.url, *sent).context(what));
    if (sent->response.status == 200) return BlobPushOutcome::already_present;  // no bytes: "Layer already exists"
    if (sent->response.status != 404)
      return std::unexpected(http_status_error(head.method, sent->response).context(what));
  }

  auto push_once = [&]() -> PushResult<BlobPushOutcome> {
    RegistryCall start;
    start.method = "POST";
    start.url = uploads_url;
    start.scopes = scopes;
    if (mount) {
      auto with_mount = append_query(uploads_url, "mount", upload.digest.str());
      if (with_mount) with_mount = append_query(*with_mount, "from", *upload.mount_from_repository);
      if (!with_mount) return permanent(std::move(with_mount.error()));
      start.url = std::move(*with_mount);
    }
    // 201: mounted from the other repository; 202: an upload session to fill.
    auto started = exchange(*session_, authority, start, {201, 202});
    if (!started) return std::unexpected(std::move(started.error()));
    if (started->status == 201) return BlobPushOutcome::mounted;  // no bytes: "Mounted from …"
    auto location = location_of(*started, start.method);
    if (!location) return std::unexpected(std::move(location.error()));

    using Mode = BlobUpload::Mode;
    // The PATCHes: one of the whole blob (streamed), or ranged chunks.
    uint64_t chunk_size = upload.mode == Mode::streamed ? upload.size
                          : upload.chunk_size > 0       ? upload.chunk_size
                                                        : uint64_t{16} << 20;
    for (uint64_t offset = 0; upload.mode != Mode::monolithic && offset < upload.size;) {
      uint64_t length = std::min(chunk_size, upload.size - offset);
      RegistryCall patch;
      patch.method = "PATCH";
      patch.url = *location;
      patch.headers.push_back("Content-Type: application/octet-stream");
      // The distribution spec's form: "<first>-<last>", without the "bytes " unit.
      if (upload.mode == Mode::chunked)
        patch.headers.push_back(fmt::format("Content-Range: {}-{}", offset, offset + length - 1));
      patch.read_body = [&upload, offset](uint64_t at, std::span<std::byte> buffer) {
        return upload.read_at(offset + at, buffer);
      };
      patch.body_size = length;
      patch.on_sent = [&report, offset](uint64_t sent) { report(offset + sent); };
      patch.scopes = scopes;
      auto accepted = exchange(*session_, authority, patch, {202});
      if (!accepted) return std::unexpected(std::move(accepted.error()));
      // Each answer names where the next chunk goes.
      if (accepted->headers.get("Location")) {
        location = location_of(*accepted, patch.method);
        if (!location) return std::unexpected(std::move(location.error()));
      }
      offset += length;
    }

    // The closing PUT ?digest= carries the whole blob (monolithic) or nothing (after the PATCHes).
    auto put_url = append_query(*location, "digest", upload.digest.str());
    if (!put_url) return permanent(std::move(put_url.error()));
    RegistryCall close;
    close.method = "PUT";
    close.url = std::move(*put_url);
    close.scopes = scopes;
    if (upload.mode == Mode::monolithic) {
      close.headers.push_back("Content-Type: application/octet-stream");
      close.read_body = upload.read_at;
      close.body_size = upload.size;
      close.on_sent = report;
    }
    auto done = exchange(*session_, authority, close, {201, 204});
    if (!done) return std::unexpected(std::move(done.error()));
    if (auto header = done->headers.get("Docker-Content-Digest");
        header && header->starts_with("sha256:") && *header != upload.digest.str()) {
      return permanent(Error{fmt::format("registry stored it as {}", *header)});
    }
    return BlobPushOutcome::uploaded;
  };

  int attempts = std::max(options_.max_attempts, 1);
  for (int attempt = 1;; ++attempt) {
    auto pushed = push_once();
    if (pushed) return *pushed;
    if (!pushed.error().transient || attempt >= attempts) {
      auto message = fmt::format("{}: {}", what, pushed.error().error.message);
      if (attempt > 1) message += fmt::format(" ({} attempts)", attempt);
      return std::unexpected(Error{std::move(message)});
    }
    session_->pause_before(attempt + 1);
  }
}

}  // namespace berth
