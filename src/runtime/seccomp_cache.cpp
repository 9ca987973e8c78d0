#include "runtime/seccomp_cache.h"

#include <seccomp.h>

#include <fmt/format.h>

#include "base/file_io.h"
#include "oci/seccomp_json.h"

namespace berth::runtime {

namespace {

constexpr std::string_view kMagic = "berth-seccomp-cache 1\n";

// FNV-1a: only names the file; the full key inside decides a hit.
uint64_t fnv1a(std::string_view text) {
  uint64_t hash = 0xcbf29ce484222325ULL;
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

std::string cache_key(const oci::Seccomp& seccomp) {
  const scmp_version* version = seccomp_version();
  return fmt::format("libseccomp {}.{}.{} api {}\n{}", version->major, version->minor, version->micro,
                     seccomp_api_get(), oci::seccomp_to_json(seccomp).dump());
}

// The program of an entry whose key is `key`; nullopt for a miss.
std::optional<SeccompProgram> read_entry(const std::string& path, const std::string& key) {
  auto text = read_file(path);
  if (!text) return std::nullopt;
  std::string_view rest = *text;
  if (!rest.starts_with(kMagic)) return std::nullopt;
  rest.remove_prefix(kMagic.size());
  size_t newline = rest.find('\n');
  if (newline == std::string_view::npos) return std::nullopt;
  std::string size_text(rest.substr(0, newline));
  rest.remove_prefix(newline + 1);
  if (size_text != std::to_string(key.size()) || rest.size() < key.size() || rest.substr(0, key.size()) != key)
    return std::nullopt;
  auto program = decode_seccomp_program(rest.substr(key.size()));
  if (!program) return std::nullopt;
  return std::move(*program);
}

}  // namespace

Result<SeccompProgram> compile_seccomp_cached(const oci::Seccomp& seccomp, const std::string& dir) {
  std::string key = cache_key(seccomp);
  std::string path = fmt::format("{}/seccomp-{:016x}.bpf", dir, fnv1a(key));
  if (auto cached = read_entry(path, key)) return std::move(*cached);
  BERTH_ASSIGN(SeccompProgram program, compile_seccomp(seccomp));
  // Best effort: a full or read-only state dir must not stop the container.
  if (make_directories(dir, 0700)) {
    std::string entry = fmt::format("{}{}\n{}{}", kMagic, key.size(), key, encode_seccomp_program(program));
    (void)write_file_atomic(path, entry, 0600, Durability::until_reboot);
  }
  return program;
}

}  // namespace berth::runtime
