#include "shim/attach_frame.h"

#include <charconv>

#include "shim/shim_error.h"

namespace berth::shim {

void append_frame(std::string& out, uint8_t kind, std::string_view payload) {
  uint32_t length = static_cast<uint32_t>(payload.size());
  char header[frame_header_size] = {static_cast<char>(kind),
                                    0,
                                    0,
                                    0,
                                    static_cast<char>(length >> 24),
                                    static_cast<char>(length >> 16),
                                    static_cast<char>(length >> 8),
                                    static_cast<char>(length)};
  out.append(header, sizeof header);
  out.append(payload);
}

void FrameDecoder::append(std::string_view bytes) {
  // Drop consumed frames first so the buffer holds at most one frame plus
  // what the last read brought.
  if (consumed_ > 0) {
    buffer_.erase(0, consumed_);
    consumed_ = 0;
  }
  buffer_.append(bytes);
}

Result<std::optional<Frame>> FrameDecoder::next() {
  std::string_view rest = std::string_view(buffer_).substr(consumed_);
  if (rest.size() < frame_header_size) return std::nullopt;
  auto byte = [&](size_t index) { return static_cast<uint8_t>(rest[index]); };
  if (byte(1) != 0 || byte(2) != 0 || byte(3) != 0) return shim_fail("attach frame: header padding is not zero");
  uint32_t length = (uint32_t{byte(4)} << 24) | (uint32_t{byte(5)} << 16) | (uint32_t{byte(6)} << 8) | byte(7);
  if (length > max_payload_) return shim_fail("attach frame: payload of ", length, " bytes exceeds ", max_payload_);
  if (rest.size() - frame_header_size < length) return std::nullopt;
  consumed_ += frame_header_size + length;
  return Frame{byte(0), rest.substr(frame_header_size, length)};
}

Result<AttachStreams> parse_hello(std::string_view payload) {
  AttachStreams streams;
  while (!payload.empty()) {
    size_t end = payload.find(' ');
    std::string_view word = payload.substr(0, end);
    payload.remove_prefix(end == std::string_view::npos ? payload.size() : end + 1);
    if (word.empty()) continue;
    if (word == "stdin") {
      streams.stdin_stream = true;
    } else if (word == "stdout") {
      streams.stdout_stream = true;
    } else if (word == "stderr") {
      streams.stderr_stream = true;
    } else {
      return shim_fail("attach hello: unknown stream \"", word, "\"");
    }
  }
  return streams;
}

Result<WindowSize> parse_resize(std::string_view payload) {
  size_t space = payload.find(' ');
  if (space == std::string_view::npos) return shim_fail("attach resize: expected \"ROWS COLS\", got \"", payload, "\"");
  std::string_view parts[2] = {payload.substr(0, space), payload.substr(space + 1)};
  uint16_t values[2] = {0, 0};
  for (int index = 0; index < 2; ++index) {
    std::string_view part = parts[index];
    bool digits_only = !part.empty() && part.find_first_not_of("0123456789") == std::string_view::npos;
    auto [end, error] = std::from_chars(part.data(), part.data() + part.size(), values[index]);
    if (!digits_only || error != std::errc() || end != part.data() + part.size())
      return shim_fail("attach resize: expected \"ROWS COLS\" up to 65535, got \"", payload, "\"");
  }
  return WindowSize{values[0], values[1]};
}

}  // namespace berth::shim
