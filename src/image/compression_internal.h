// The decompressors behind open_decompressed(), one file each.
#pragma once

#include <memory>

#include "image/byte_stream.h"

namespace berth {

// The compressed input of a decompressor: a reference, plus ownership when
// open_decompressed() was handed a unique_ptr.
struct CompressedInput {
  ByteSource& source;
  std::unique_ptr<ByteSource> owned;
};

// Each decompressor reads the compressed input in pieces of this size: large
// enough that the per-read cost (a pipe lock, a syscall) vanishes.
inline constexpr size_t kCompressedReadSize = 1 << 20;

std::unique_ptr<ByteSource> make_gzip_decompressor(CompressedInput input);
std::unique_ptr<ByteSource> make_zstd_decompressor(CompressedInput input);

}  // namespace berth
