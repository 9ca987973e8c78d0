// RegistryClient::fetch_blob: a streamed, resumable blob download.
#include <algorithm>
#include <charconv>

#include "registry/content_range.h"
#include "registry/registry_client.h"
#include "registry/registry_error.h"
#include "registry/registry_session.h"

namespace berth {

namespace {

std::optional<uint64_t> content_length(const HttpResponse& head) {
  auto header = head.headers.get("Content-Length");
  if (!header) return std::nullopt;
  uint64_t value = 0;
  auto [end, error] = std::from_chars(header->data(), header->data() + header->size(), value);
  if (error != std::errc() || end != header->data() + header->size()) return std::nullopt;
  return value;
}

bool is_retryable_status(long status) { return status == 429 || status == 502 || status == 503 || status == 504; }

}  // namespace

Status RegistryClient::fetch_blob(const ImageReference& repo, const Digest& digest, uint64_t offset,
                                  const std::function<Status(std::span<const std::byte>)>& sink,
                                  const BlobProgress& progress) {
  std::string what = fmt::format("fetch blob {}", digest);
  std::string authority = repo.registry_host();
  auto base = session_->base_url(authority);
  if (!base) return with_context(std::move(base), what);
  std::string url = fmt::format("{}/v2/{}/blobs/{}", *base, repo.repository, digest);

  uint64_t position = offset;  // bytes the sink has (or had before this call)
  std::optional<uint64_t> total;
  auto report = [&] {
    if (progress.on_bytes) progress.on_bytes(position, total.value_or(0));
  };
  int attempts = std::max(options_.max_attempts, 1);
  std::string last_problem;
  for (int attempt = 1; attempt <= attempts; ++attempt) {
    if (attempt > 1) session_->pause_before(attempt);
    bool head_seen = false;
    uint64_t skip = 0;  // bytes a server that ignored Range sends again, which the sink already has
    std::optional<Error> sink_error;
    RegistryCall call;
    call.url = url;
    call.scopes = {pull_scope(repo.repository)};
    if (position > 0) call.headers.push_back(fmt::format("Range: bytes={}-", position));
    call.stream = [&](const HttpResponse& head, std::span<const std::byte> data) -> Status {
      if (!head_seen) {
        head_seen = true;
        if (head.status == 206) {
          auto range = parse_content_range(head.headers.get("Content-Range").value_or(""));
          if (!range || !range->first) return fail("206 response without a usable Content-Range");
          if (*range->first != position)
            return fail("server resumed at byte {} instead of {}", *range->first, position);
          if (range->size) {
            total = range->size;
          } else if (auto length = content_length(head)) {
            total = position + *length;
          }
        } else {
          skip = position;
          if (auto length = content_length(head)) total = *length;
        }
        report();
      }
      if (skip > 0) {
        size_t dropped = static_cast<size_t>(std::min<uint64_t>(skip, data.size()));
        data = data.subspan(dropped);
        skip -= dropped;
      }
      if (data.empty()) return {};
      if (auto accepted = sink(data); !accepted) {
        sink_error = accepted.error();
        return accepted;
      }
      position += data.size();
      report();
      return {};
    };

    auto sent = session_->send(authority, call);
    if (!sent) return with_context(std::move(sent), what);
    HttpExchange& exchange = *sent;
    // The sink's own error goes back as it is: the caller knows best what it means.
    if (sink_error) return std::unexpected(std::move(*sink_error));
    if (exchange.failure == HttpFailure::stream) return fail("{}: {}", what, exchange.error.message);
    if (!exchange) {
      if (!exchange.transient) return std::unexpected(http_exchange_error(call.method, url, exchange).context(what));
      last_problem = exchange.connection_closed ? "connection closed" : exchange.error.message;
      continue;
    }
    long status = exchange.response.status;
    if (status == 200 || status == 206) {
      // A body shorter than announced that curl did not flag (say, a length-less body cut short).
      if (total && position < *total) {
        last_problem = "connection closed";
        continue;
      }
      if (!head_seen) report();  // an empty blob
      return {};
    }
    if (status == 416) {
      // Asked to start at the end: the sink already has the whole blob.
      auto range = parse_content_range(exchange.response.headers.get("Content-Range").value_or(""));
      if (range && range->size && *range->size == position) {
        total = position;
        report();
        return {};
      }
    }
    if (is_retryable_status(status)) {
      last_problem = exchange.response.status_line();
      continue;
    }
    return std::unexpected(http_status_error(call.method, exchange.response).context(what));
  }
  std::string bytes = total ? fmt::format("{} of {} bytes", position, *total) : fmt::format("{} bytes", position);
  return fail("{}: {} after {} ({} attempts)", what, last_problem, bytes, attempts);
}

}  // namespace berth
