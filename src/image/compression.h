// Layer compression: gzip (isa-l's igzip, 2-3x faster than zlib, since pull
// speed is a headline figure) and zstd (libzstd), both streaming.
#pragma once

#include <memory>
#include <optional>
#include <span>
#include <string_view>

#include "image/byte_stream.h"

namespace berth {

enum class Compression { none, gzip, zstd };

// By magic number: gzip 1f 8b, zstd 28 b5 2f fd; anything else is none.
Compression detect_compression(std::span<const std::byte> head);
std::string_view compression_name(Compression kind);

// A source of the decompressed bytes of `compressed`. With kind == nullopt
// the kind is detected from the first bytes (and `none` passes them through).
// A truncated or corrupt stream makes read() fail with a message saying so.
// gzip accepts concatenated members (as pigz writes) and checks each
// member's CRC and size; zero bytes after the last member are ignored (as
// GNU gzip does), anything else there is an error. zstd accepts concatenated
// frames.
Result<std::unique_ptr<ByteSource>> open_decompressed(std::unique_ptr<ByteSource> compressed,
                                                      std::optional<Compression> kind);
// Same, reading from a source the caller keeps alive until done.
Result<std::unique_ptr<ByteSource>> open_decompressed(ByteSource& compressed, std::optional<Compression> kind);

// A sink that gzips what is written to it into `out` (isa-l level 1, with a
// gzip header and trailer). close() flushes the last block and the trailer
// into `out`; it does not close `out`.
Result<std::unique_ptr<ByteSink>> open_gzip_compressor(ByteSink& out);

}  // namespace berth
