// Content digests ("sha256:<64 hex>"): parsing, validation and streaming hashing.
// Only sha256 is accepted: it is what every registry and image in the wild uses,
// and a store keyed by one algorithm never holds two names for one blob.
#pragma once

#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "base/result.h"

namespace berth {

class Digest {
 public:
  Digest() = default;
  // Accepts exactly "sha256:" followed by 64 lowercase hex digits.
  static Result<Digest> parse(std::string_view text);
  static Digest from_hex(std::string_view hex64);  // caller guarantees 64 lowercase hex
  static Digest of(std::string_view data);

  const std::string& str() const { return text_; }  // "sha256:abc…"
  std::string_view hex() const { return std::string_view(text_).substr(7); }
  std::string_view short_hex() const { return hex().substr(0, 12); }  // Docker's 12-character id
  bool empty() const { return text_.empty(); }
  auto operator<=>(const Digest&) const = default;

 private:
  std::string text_;
};

// Streaming sha256 (OpenSSL EVP; uses the CPU's SHA extensions when present).
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(Sha256&&) noexcept;
  Sha256& operator=(Sha256&&) noexcept;
  void update(std::span<const std::byte> data);
  void update(std::string_view data) { update(std::as_bytes(std::span(data.data(), data.size()))); }
  Digest finish();  // the hasher may not be used afterwards

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace berth

template <>
struct fmt::formatter<berth::Digest> : fmt::formatter<std::string_view> {
  auto format(const berth::Digest& digest, fmt::format_context& ctx) const {
    return fmt::formatter<std::string_view>::format(digest.str(), ctx);
  }
};
