#include "image/compression.h"

#include <algorithm>
#include <array>
#include <cstring>

#include "image/compression_internal.h"

namespace berth {

Compression detect_compression(std::span<const std::byte> head) {
  auto starts_with = [&](std::initializer_list<unsigned char> magic) {
    if (head.size() < magic.size()) return false;
    return std::equal(magic.begin(), magic.end(), head.begin(),
                      [](unsigned char m, std::byte b) { return std::byte{m} == b; });
  };
  if (starts_with({0x1f, 0x8b})) return Compression::gzip;
  if (starts_with({0x28, 0xb5, 0x2f, 0xfd})) return Compression::zstd;
  return Compression::none;
}

std::string_view compression_name(Compression kind) {
  switch (kind) {
    case Compression::none:
      return "none";
    case Compression::gzip:
      return "gzip";
    case Compression::zstd:
      return "zstd";
  }
  return "unknown";
}

namespace {

// Replays the bytes read to detect the compression, then reads on.
class PrefixedSource final : public ByteSource {
 public:
  PrefixedSource(CompressedInput input, std::vector<std::byte> head)
      : input_(std::move(input)), head_(std::move(head)) {}

  Result<size_t> read(std::span<std::byte> buffer) override {
    if (offset_ < head_.size()) {
      size_t count = std::min(buffer.size(), head_.size() - offset_);
      std::memcpy(buffer.data(), head_.data() + offset_, count);
      offset_ += count;
      return count;
    }
    return input_.source.read(buffer);
  }

 private:
  CompressedInput input_;
  std::vector<std::byte> head_;
  size_t offset_ = 0;
};

// Reads up to 4 bytes (zstd's magic is the longest); fewer only at the end.
Result<std::vector<std::byte>> read_head(ByteSource& source) {
  std::vector<std::byte> head(4);
  size_t filled = 0;
  while (filled < head.size()) {
    BERTH_ASSIGN(size_t got, source.read(std::span(head).subspan(filled)));
    if (got == 0) break;
    filled += got;
  }
  head.resize(filled);
  return head;
}

Result<std::unique_ptr<ByteSource>> decompressor_for(CompressedInput input, Compression kind) {
  switch (kind) {
    case Compression::gzip:
      return make_gzip_decompressor(std::move(input));
    case Compression::zstd:
      return make_zstd_decompressor(std::move(input));
    case Compression::none:
      break;
  }
  if (input.owned) return std::move(input.owned);
  // Uncompressed and not ours to own: hand out a forwarding source.
  struct Forward final : ByteSource {
    explicit Forward(ByteSource& inner) : inner(inner) {}
    Result<size_t> read(std::span<std::byte> buffer) override { return inner.read(buffer); }
    ByteSource& inner;
  };
  return std::make_unique<Forward>(input.source);
}

Result<std::unique_ptr<ByteSource>> open(CompressedInput input, std::optional<Compression> kind) {
  if (kind) return decompressor_for(std::move(input), *kind);
  BERTH_ASSIGN(auto head, read_head(input.source));
  Compression detected = detect_compression(head);
  auto prefixed = std::make_unique<PrefixedSource>(std::move(input), std::move(head));
  ByteSource& source = *prefixed;
  return decompressor_for(CompressedInput{source, std::move(prefixed)}, detected);
}

}  // namespace

Result<std::unique_ptr<ByteSource>> open_decompressed(std::unique_ptr<ByteSource> compressed,
                                                      std::optional<Compression> kind) {
  if (!compressed) return fail("open_decompressed: no source");
  ByteSource& source = *compressed;
  return open(CompressedInput{source, std::move(compressed)}, kind);
}

Result<std::unique_ptr<ByteSource>> open_decompressed(ByteSource& compressed, std::optional<Compression> kind) {
  return open(CompressedInput{compressed, nullptr}, kind);
}

}  // namespace berth
