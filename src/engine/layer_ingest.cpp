#include "engine/layer_ingest.h"

#include <fcntl.h>

#include <thread>

#include "image/byte_stream.h"
#include "image/compression.h"
#include "image/layer_extract.h"

namespace berth {
namespace {

std::optional<Compression> to_stream_compression(std::optional<LayerCompression> compression) {
  if (!compression) return std::nullopt;  // sniff the first bytes
  switch (*compression) {
    case LayerCompression::none: return Compression::none;
    case LayerCompression::gzip: return Compression::gzip;
    case LayerCompression::zstd: return Compression::zstd;
  }
  return std::nullopt;
}

// The media type promised one compression; the bytes must agree.
Status check_compression_matches(std::span<const std::byte> head, LayerCompression promised) {
  auto actual = detect_compression(head);
  auto expected = *to_stream_compression(promised);
  if (actual == expected) return {};
  // An uncompressed tar has no magic; anything else that is not what the
  // media type says is a contradiction.
  return fail("layer media type says {} but the content is {}", compression_name(expected), compression_name(actual));
}

Result<ExtractResult> extract_into(ByteSource& source, std::optional<LayerCompression> compression, int dir_fd) {
  BERTH_ASSIGN(auto decompressed, open_decompressed(source, to_stream_compression(compression)));
  return extract_layer(*decompressed, dir_fd);
}

Result<LayerRecord> finish_layer(LocalImageService& service, LayerStore::Pending& pending, const ExtractResult& extracted,
                                 const LocalImageService::LayerInput& input, const Digest& chain) {
  if (extracted.diff_id != input.diff_id)
    return fail("layer {}: diff id mismatch: expected {}, got {}", chain.short_hex(), input.diff_id, extracted.diff_id);
  BERTH_TRY(pending.commit());
  LayerRecord record{.chain_id = chain,
                     .diff_id = input.diff_id,
                     .parent = input.parent_chain,
                     .size = extracted.tar_size,
                     .blob_digest = input.blob_digest,
                     .blob_media_type = input.blob_media_type,
                     .blob_size = input.blob_size};
  BERTH_TRY(service.metadata().put_layer(record));
  return record;
}

}  // namespace

Result<LayerRecord> store_layer_from_source(LocalImageService& service, ByteSource& source,
                                            std::optional<LayerCompression> compression,
                                            const LocalImageService::LayerInput& input, const Digest& chain) {
  BERTH_ASSIGN(auto pending, service.layers().begin(chain));
  if (!pending) return service.record_existing_layer(input, chain);
  BERTH_ASSIGN(ExtractResult extracted, extract_into(source, compression, pending->dir_fd()));
  return finish_layer(service, *pending, extracted, input, chain);
}

Result<bool> LayerIngest::fetch_and_extract(const LocalImageService::LayerInput& input, const Digest& chain,
                                            const Descriptor& blob) {
  std::string id(blob.digest.short_hex());
  BERTH_ASSIGN(auto compression, layer_compression(blob.media_type));
  // The per-chain lock: a second process pulling the same layer waits here,
  // then finds it done.
  BERTH_ASSIGN(auto pending, service_.layers().begin(chain));
  if (!pending) {
    BERTH_TRY(service_.record_existing_layer(input, chain));
    return false;
  }
  auto& content = service_.content();
  BERTH_ASSIGN(auto ingest, content.begin_ingest(blob.digest, static_cast<uint64_t>(blob.size)));
  if (!ingest) {
    // The blob is already stored (an earlier pull died after it, or a load
    // brought it): extract from the file.
    BERTH_ASSIGN(UniqueFd fd, content.open_blob(blob.digest));
    FdSource source(fd.get());
    BERTH_ASSIGN(ExtractResult extracted, extract_into(source, compression, pending->dir_fd()));
    BERTH_TRY(finish_layer(service_, *pending, extracted, input, chain));
    return true;
  }

  // Download thread (this one) → pipe → extraction thread. The content store
  // hashes and keeps what arrives, so a broken pull resumes where it stopped.
  BytePipe pipe;
  Result<ExtractResult> extracted = fail("extraction did not run");
  std::jthread extractor([&] {
    extracted = extract_into(pipe.source(), compression, pending->dir_fd());
    if (!extracted) pipe.abort_read(extracted.error());
  });
  bool checked_magic = false;
  bool extractor_failed = false;
  uint64_t total = static_cast<uint64_t>(blob.size);
  // Once extraction has failed the download still runs to its end: the
  // digest decides which error the user sees (a corrupted blob usually
  // breaks decompression first, but "digest mismatch" is the cause).
  auto feed = [&](std::span<const std::byte> chunk) -> Status {
    if (extractor_failed) return {};
    if (!checked_magic && !chunk.empty()) {
      checked_magic = true;
      if (compression != LayerCompression::none) BERTH_TRY(check_compression_matches(chunk, compression));
    }
    if (!pipe.push(chunk)) extractor_failed = true;
    return {};
  };

  Status fetched = [&]() -> Status {
    // Bytes a previous, interrupted pull kept: replay them to the extractor.
    if (ingest->offset() > 0) {
      auto partial_path = service_.paths().ingest() / fmt::format("{}.partial", blob.digest.hex());
      UniqueFd partial(::open(partial_path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
      if (!partial) return fail_errno(errno, "open partial blob {}", blob.digest);
      std::vector<std::byte> buffer(1 << 20);
      uint64_t left = ingest->offset();
      while (left > 0) {
        ssize_t n = ::read(partial.get(), buffer.data(), std::min<uint64_t>(left, buffer.size()));
        if (n < 0) return fail_errno(errno, "read partial blob {}", blob.digest);
        if (n == 0) return fail("partial blob {} is shorter than recorded", blob.digest);
        BERTH_TRY(feed(std::span(buffer.data(), static_cast<size_t>(n))));
        left -= static_cast<uint64_t>(n);
      }
    }
    BlobProgress progress;
    progress.on_bytes = [&](uint64_t done, uint64_t size) {
      if (size) total = size;
      service_.report(progress_, {.kind = TransferEvent::Kind::transferring, .id = id, .current = done, .total = total});
    };
    return registry_.fetch_blob(
        repository_, blob.digest, ingest->offset(),
        [&](std::span<const std::byte> chunk) -> Status {
          BERTH_TRY(ingest->write(chunk));
          return feed(chunk);
        },
        progress);
  }();
  pipe.close_write(fetched);
  extractor.join();
  if (!fetched) return std::unexpected(std::move(fetched.error()).context(fmt::format("layer {}", id)));
  service_.report(progress_, {.kind = TransferEvent::Kind::verifying, .id = id});
  // The digest is checked before anything becomes visible: on a mismatch the
  // partial blob and the extracted layer are both thrown away.
  auto committed = ingest->commit();
  if (!committed) return std::unexpected(std::move(committed.error()).context(fmt::format("layer {}", id)));
  if (!extracted) {
    // The blob is what the registry published, and it is hostile or broken:
    // keep neither it nor the partial layer.
    (void)content.remove_blob(blob.digest);
    return std::unexpected(std::move(extracted.error()).context(fmt::format("layer {}", id)));
  }
  BERTH_TRY(finish_layer(service_, *pending, *extracted, input, chain));
  return true;
}

}  // namespace berth
