// Helpers shared by the registry client tests: blob contents, readers, sinks.
#pragma once

#include <cstring>
#include <random>
#include <span>
#include <string>

#include "base/result.h"
#include "registry/registry_client.h"

namespace berth::testing {

// Deterministic bytes that do not repeat in short periods (an off-by-N resume shows).
inline std::string pseudo_random_bytes(size_t size, unsigned seed = 1) {
  std::mt19937 generator(seed);
  std::string bytes(size, '\0');
  for (auto& byte : bytes) byte = static_cast<char>(generator() & 0xff);
  return bytes;
}

inline auto reader_of(const std::string& bytes) {
  return [&bytes](uint64_t offset, std::span<std::byte> buffer) -> Result<size_t> {
    if (offset > bytes.size()) return fail("read past the end");
    size_t n = std::min<size_t>(buffer.size(), bytes.size() - static_cast<size_t>(offset));
    std::memcpy(buffer.data(), bytes.data() + offset, n);
    return n;
  };
}

// A sink that appends to a string.
inline auto appender(std::string& out) {
  return [&out](std::span<const std::byte> data) -> Status {
    out.append(reinterpret_cast<const char*>(data.data()), data.size());
    return {};
  };
}

inline ImageReference reference_at(const std::string& authority, const std::string& repository) {
  auto ref = parse_reference(authority + "/" + repository);
  return ref ? *ref : ImageReference{};
}

}  // namespace berth::testing
