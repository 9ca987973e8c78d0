// gzip through isa-l's igzip rather than zlib: its inflate is 2-3x faster, and
// layer pull speed is a headline figure. isal_inflate() decodes one gzip
// member per state, so the loop over concatenated members (pigz and
// `cat a.gz b.gz` write several) is written here, as is telling a truncated
// stream from a finished one: isa-l simply waits for more input.
#include <isa-l/igzip_lib.h>

#include <algorithm>
#include <vector>

#include "image/compression.h"
#include "image/compression_internal.h"

namespace berth {

namespace {

std::string_view inflate_problem(int status) {
  switch (status) {
    case ISAL_INVALID_BLOCK:
      return "invalid deflate block";
    case ISAL_INVALID_SYMBOL:
      return "invalid deflate symbol";
    case ISAL_INVALID_LOOKBACK:
      return "back-reference before the start of the data";
    case ISAL_INVALID_WRAPPER:
      return "not a gzip header";
    case ISAL_UNSUPPORTED_METHOD:
      return "unsupported compression method in the gzip header";
    case ISAL_INCORRECT_CHECKSUM:
      return "CRC or length in the gzip trailer does not match the data (corrupt layer?)";
    case ISAL_NEED_DICT:
      return "stream needs a preset dictionary";
    default:
      return "isa-l inflate error";
  }
}

constexpr uint8_t kGzipMagic = 0x1f;  // first byte of every member

class GzipDecompressor final : public ByteSource {
 public:
  explicit GzipDecompressor(CompressedInput input)
      : input_(std::move(input)), state_(std::make_unique<inflate_state>()), buffer_(kCompressedReadSize) {
    isal_inflate_init(state_.get());
    state_->crc_flag = ISAL_GZIP;  // parse the header, check the CRC-32 and size trailer
  }

  Result<size_t> read(std::span<std::byte> out) override {
    if (out.empty() || done_) return 0;
    size_t produced = 0;
    for (;;) {
      if (state_->block_state == ISAL_BLOCK_FINISH) {
        // A member ended (isa-l consumed exactly its trailer: next_in points
        // at whatever follows). More bytes mean another member.
        if (state_->avail_in == 0) {
          if (produced > 0) return produced;
          BERTH_ASSIGN(bool more, refill());
          if (!more) {
            done_ = true;
            return 0;
          }
        }
        if (*state_->next_in == 0) return skip_zero_padding(produced);
        // Checked here: a short tail would otherwise read as a truncated header.
        if (*state_->next_in != kGzipMagic) return trailing_garbage(member_);
        ++member_;
        isal_inflate_reset(state_.get());  // keeps crc_flag and the input pointers
      }
      state_->next_out = reinterpret_cast<uint8_t*>(out.data() + produced);
      state_->avail_out = static_cast<uint32_t>(std::min<size_t>(out.size() - produced, UINT32_MAX));
      uint32_t room = state_->avail_out;
      uint32_t input_before = state_->avail_in;
      int status = isal_inflate(state_.get());
      produced += room - state_->avail_out;
      if (status < 0) return inflate_error(status);
      if (produced == out.size()) return produced;
      if (state_->block_state == ISAL_BLOCK_FINISH) continue;
      // Room is left and the member is not finished: isa-l wants input.
      if (state_->avail_in > 0) {
        if (state_->avail_in == input_before && room == state_->avail_out)
          return fail("gzip: decoder made no progress (isa-l state {})", static_cast<int>(state_->block_state));
        continue;
      }
      if (produced > 0) return produced;  // hand out what we have before blocking on input
      BERTH_ASSIGN(bool more, refill());
      if (!more) return fail("gzip stream ends early (truncated layer?)");
    }
  }

 private:
  // Only called with avail_in == 0: isa-l keeps what it has not finished
  // decoding in its own state, so the buffer can be overwritten.
  Result<bool> refill() {
    if (input_ended_) return false;
    BERTH_ASSIGN(size_t got, input_.source.read(buffer_));
    if (got == 0) {
      input_ended_ = true;
      return false;
    }
    state_->next_in = reinterpret_cast<uint8_t*>(buffer_.data());
    state_->avail_in = static_cast<uint32_t>(got);
    return true;
  }

  // GNU gzip ignores zeros after the last member: tape-style padding, which
  // libarchive's writer adds to its own output. So do we; any other byte
  // there is garbage, and an error.
  Result<size_t> skip_zero_padding(size_t produced) {
    for (;;) {
      auto padding = std::span(state_->next_in, state_->avail_in);
      if (std::ranges::any_of(padding, [](uint8_t byte) { return byte != 0; })) return trailing_garbage(member_);
      state_->avail_in = 0;
      BERTH_ASSIGN(bool more, refill());
      if (!more) {
        done_ = true;
        return produced;
      }
    }
  }

  static std::unexpected<Error> trailing_garbage(int after_member) {
    return fail("gzip: invalid data: bytes after gzip member {} are not another member (trailing garbage?)",
                after_member);
  }

  std::unexpected<Error> inflate_error(int status) const {
    if (status == ISAL_INVALID_WRAPPER && member_ > 1) return trailing_garbage(member_ - 1);
    return fail("gzip: invalid data: {}", inflate_problem(status));
  }

  CompressedInput input_;
  std::unique_ptr<inflate_state> state_;  // ~100 KiB: on the heap
  std::vector<std::byte> buffer_;
  int member_ = 1;
  bool input_ended_ = false;
  bool done_ = false;
};

// Level 1 is the speed/ratio point pushes want: about zlib -6's size on
// layer tarballs at several times the speed.
constexpr uint32_t kDeflateLevel = 1;

class GzipCompressor final : public ByteSink {
 public:
  explicit GzipCompressor(ByteSink& out)
      : out_(out),
        stream_(std::make_unique<isal_zstream>()),
        level_buffer_(ISAL_DEF_LVL1_DEFAULT),
        output_(kCompressedReadSize) {
    isal_deflate_init(stream_.get());
    stream_->level = kDeflateLevel;
    stream_->level_buf = level_buffer_.data();
    stream_->level_buf_size = static_cast<uint32_t>(level_buffer_.size());
    stream_->gzip_flag = IGZIP_GZIP;  // header at the start, CRC-32 and size trailer at the end
    stream_->flush = NO_FLUSH;
  }

  Status write(std::span<const std::byte> data) override {
    if (closed_) return fail("gzip: write after close");
    while (!data.empty()) {
      size_t count = std::min<size_t>(data.size(), 1u << 30);  // avail_in is 32-bit
      stream_->next_in = reinterpret_cast<uint8_t*>(const_cast<std::byte*>(data.data()));
      stream_->avail_in = static_cast<uint32_t>(count);
      do {
        BERTH_TRY(deflate_step());
      } while (stream_->avail_in > 0 || stream_->avail_out == 0);
      data = data.subspan(count);
    }
    return {};
  }

  Status close() override {
    if (closed_) return {};
    closed_ = true;
    stream_->end_of_stream = 1;
    stream_->next_in = nullptr;
    stream_->avail_in = 0;
    while (stream_->internal_state.state != ZSTATE_END) BERTH_TRY(deflate_step());
    return {};
  }

 private:
  Status deflate_step() {
    stream_->next_out = reinterpret_cast<uint8_t*>(output_.data());
    stream_->avail_out = static_cast<uint32_t>(output_.size());
    int status = isal_deflate(stream_.get());
    if (status != COMP_OK) return fail("gzip: compression failed (isa-l error {})", status);
    size_t made = output_.size() - stream_->avail_out;
    if (made > 0) BERTH_TRY(out_.write(std::span(output_).first(made)));
    return {};
  }

  ByteSink& out_;
  std::unique_ptr<isal_zstream> stream_;
  std::vector<uint8_t> level_buffer_;
  std::vector<std::byte> output_;
  bool closed_ = false;
};

}  // namespace

std::unique_ptr<ByteSource> make_gzip_decompressor(CompressedInput input) {
  return std::make_unique<GzipDecompressor>(std::move(input));
}

Result<std::unique_ptr<ByteSink>> open_gzip_compressor(ByteSink& out) { return std::make_unique<GzipCompressor>(out); }

}  // namespace berth
