// The attach socket's framing, both ways: Docker's stdcopy header, 8 bytes =
// [kind][0][0][0][payload length, 32-bit big endian], then the payload.
//
// Client -> shim: 0x00 hello (payload: any of "stdin stdout stderr"), 0x01
// stdin data, 0x02 stdin EOF, 0x03 resize ("ROWS COLS"). Shim -> client: 0x01
// stdout data, 0x02 stderr data, 0x10 exit (payload: decimal exit code), 0x11
// attached (empty; the hello was taken: output from here on reaches this
// client, so an engine waits for it before it starts the container).
//
// Hostile input: a length above max_client_payload or non-zero padding bytes
// is a decode error (the shim drops that client). A frame of an unknown kind
// is skipped, so an engine newer than this shim (say with 0x04 "signal") does
// not lose its connection over a request the shim cannot serve.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"

namespace berth::shim {

namespace frame_kind {
inline constexpr uint8_t hello = 0x00;
inline constexpr uint8_t stdin_data = 0x01;
inline constexpr uint8_t stdin_eof = 0x02;
inline constexpr uint8_t resize = 0x03;
inline constexpr uint8_t stdout_data = 0x01;
inline constexpr uint8_t stderr_data = 0x02;
inline constexpr uint8_t exit = 0x10;
inline constexpr uint8_t attached = 0x11;
}  // namespace frame_kind

inline constexpr size_t frame_header_size = 8;
// The largest frame a client may send: a frame is buffered whole, so this
// bounds a client's memory as the 1 MiB output bound does the other way.
inline constexpr size_t max_client_payload = 1024 * 1024;

void append_frame(std::string& out, uint8_t kind, std::string_view payload);

struct Frame {
  uint8_t kind;
  std::string_view payload;  // valid until the next append()
};

class FrameDecoder {
 public:
  explicit FrameDecoder(size_t max_payload = max_client_payload) : max_payload_(max_payload) {}

  void append(std::string_view bytes);
  // The next complete frame; nullopt until enough bytes arrived; an error
  // for a header no well-behaved client sends.
  Result<std::optional<Frame>> next();
  size_t buffered() const { return buffer_.size() - consumed_; }

 private:
  size_t max_payload_;
  std::string buffer_;
  size_t consumed_ = 0;
};

struct AttachStreams {
  bool stdin_stream = false;
  bool stdout_stream = false;
  bool stderr_stream = false;
};

// "stdin stdout stderr", any subset, separated by spaces.
Result<AttachStreams> parse_hello(std::string_view payload);

struct WindowSize {
  uint16_t rows = 0;
  uint16_t cols = 0;
};

// "ROWS COLS", two decimal numbers up to 65535.
Result<WindowSize> parse_resize(std::string_view payload);

}  // namespace berth::shim
