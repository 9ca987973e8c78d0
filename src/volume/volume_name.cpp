#include "volume/volume_name.h"

#include <sys/random.h>

#include <array>

namespace berth::volume {

namespace {

bool alphanumeric(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }

}  // namespace

Status validate_volume_name(std::string_view name) {
  if (name.size() == 1) return fail("volume name is too short, names should be at least two alphanumeric characters");
  bool valid = name.size() >= 2 && alphanumeric(name[0]);
  for (size_t i = 1; valid && i < name.size(); ++i)
    valid = alphanumeric(name[i]) || name[i] == '_' || name[i] == '.' || name[i] == '-';
  if (!valid)
    return fail(
        "\"{}\" includes invalid characters for a local volume name, only \"{}\" are allowed. If you intended to "
        "pass a host directory, use absolute path",
        name, kVolumeNameChars);
  if (name.size() > kMaxVolumeName)
    return fail("volume name is too long ({} characters, at most {})", name.size(), kMaxVolumeName);
  return {};
}

namespace {

Result<std::string> random_hex_64() {
  std::array<unsigned char, 32> bytes{};
  size_t filled = 0;
  while (filled < bytes.size()) {
    ssize_t got = ::getrandom(bytes.data() + filled, bytes.size() - filled, 0);
    if (got < 0) {
      if (errno == EINTR) continue;
      return fail_errno(errno, "getrandom");
    }
    filled += static_cast<size_t>(got);
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string name;
  for (unsigned char byte : bytes) {
    name += kHex[byte >> 4];
    name += kHex[byte & 15];
  }
  return name;
}

}  // namespace

Result<std::string> random_volume_name() {
  // As Docker: a name whose 12-character short form is all digits could be
  // read as a number, so draw again.
  for (;;) {
    BERTH_ASSIGN(std::string name, random_hex_64());
    if (name.substr(0, 12).find_first_not_of("0123456789") != std::string::npos) return name;
  }
}

}  // namespace berth::volume
