#include "base/digest.h"

#include <openssl/evp.h>

namespace berth {

Result<Digest> Digest::parse(std::string_view text) {
  constexpr std::string_view prefix = "sha256:";
  if (!text.starts_with(prefix)) {
    auto colon = text.find(':');
    if (colon == std::string_view::npos) return fail("invalid digest \"{}\": no algorithm prefix", text);
    return fail("unsupported digest algorithm \"{}\" (only sha256)", text.substr(0, colon));
  }
  auto hex = text.substr(prefix.size());
  if (hex.size() != 64) return fail("invalid digest \"{}\": sha256 needs 64 hex digits, got {}", text, hex.size());
  for (char c : hex) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
      return fail("invalid digest \"{}\": '{}' is not a lowercase hex digit", text, c);
  }
  return from_hex(hex);
}

Digest Digest::from_hex(std::string_view hex64) {
  Digest digest;
  digest.text_ = "sha256:";
  digest.text_.append(hex64);
  return digest;
}

Digest Digest::of(std::string_view data) {
  Sha256 hasher;
  hasher.update(data);
  return hasher.finish();
}

struct Sha256::State {
  EVP_MD_CTX* ctx = nullptr;
  ~State() { EVP_MD_CTX_free(ctx); }
};

Sha256::Sha256() : state_(std::make_unique<State>()) {
  state_->ctx = EVP_MD_CTX_new();
  EVP_DigestInit_ex(state_->ctx, EVP_sha256(), nullptr);
}
Sha256::~Sha256() = default;
Sha256::Sha256(Sha256&&) noexcept = default;
Sha256& Sha256::operator=(Sha256&&) noexcept = default;

void Sha256::update(std::span<const std::byte> data) { EVP_DigestUpdate(state_->ctx, data.data(), data.size()); }

Digest Sha256::finish() {
  unsigned char raw[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_DigestFinal_ex(state_->ctx, raw, &length);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex(length * 2, '0');
  for (unsigned i = 0; i < length; ++i) {
    hex[2 * i] = kHex[raw[i] >> 4];
    hex[2 * i + 1] = kHex[raw[i] & 15];
  }
  return Digest::from_hex(hex);
}

}  // namespace berth
