// zstd through libzstd's streaming API. ZSTD_decompressStream() reports 0 when
// a frame is complete and flushed; ending the input at any other point means
// the layer was cut short, which libzstd cannot know on its own.
#include <zstd.h>

#include <vector>

#include "image/compression_internal.h"

namespace berth {

namespace {

struct DctxDeleter {
  void operator()(ZSTD_DCtx* context) const { ZSTD_freeDCtx(context); }
};

class ZstdDecompressor final : public ByteSource {
 public:
  explicit ZstdDecompressor(CompressedInput input)
      : input_(std::move(input)), context_(ZSTD_createDCtx()), buffer_(kCompressedReadSize) {}

  Result<size_t> read(std::span<std::byte> out) override {
    if (!context_) return fail("zstd: cannot allocate a decompression context");
    if (out.empty()) return 0;
    size_t produced = 0;
    for (;;) {
      // When the last call filled the output, libzstd may still hold decoded
      // bytes: call it again before asking for more input.
      if (in_.pos == in_.size && !output_pending_) {
        if (produced > 0) return produced;
        BERTH_ASSIGN(size_t got, input_.source.read(buffer_));
        if (got == 0) {
          if (frame_open_) return fail("zstd stream ends early (truncated layer?)");
          return 0;
        }
        in_ = ZSTD_inBuffer{buffer_.data(), got, 0};
      }
      ZSTD_outBuffer output{out.data() + produced, out.size() - produced, 0};
      size_t hint = ZSTD_decompressStream(context_.get(), &output, &in_);
      if (ZSTD_isError(hint)) return fail("zstd: invalid data: {}", ZSTD_getErrorName(hint));
      produced += output.pos;
      output_pending_ = output.pos == output.size;
      frame_open_ = hint != 0;
      if (produced == out.size()) return produced;
    }
  }

 private:
  CompressedInput input_;
  std::unique_ptr<ZSTD_DCtx, DctxDeleter> context_;
  std::vector<std::byte> buffer_;
  ZSTD_inBuffer in_{nullptr, 0, 0};
  bool output_pending_ = false;
  bool frame_open_ = true;  // an empty input is a truncated stream, not an empty one
};

}  // namespace

std::unique_ptr<ByteSource> make_zstd_decompressor(CompressedInput input) {
  return std::make_unique<ZstdDecompressor>(std::move(input));
}

}  // namespace berth
