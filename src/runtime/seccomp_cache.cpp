#include "runtime/seccomp_cache.h"

#include <fcntl.h>
#include <seccomp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include "base/file_io.h"
#include "base/unique_fd.h"
#include "base/version.h"
#include "oci/seccomp_json.h"

namespace berth::runtime {

namespace {

constexpr std::string_view kMagic = "berth-seccomp-cache 1\n";
// Bumped with any change to how compile_seccomp builds programs, so that
// entries of an older berth (the cache lives until reboot) are not used.
constexpr int kCompilerRevision = 3;

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
  return fmt::format("berth {} compiler {} libseccomp {}.{}.{} api {}\n{}", kBerthVersion, kCompilerRevision,
                     version->major, version->minor, version->micro, seccomp_api_get(),
                     oci::seccomp_to_json(seccomp).dump());
}

// The program of an entry whose key is `key`; nullopt for a miss.
// Only ours is trusted: owned by us, writable by no one else, in a directory
// writable by no one else. A filter is security: a planted allow-all must
// never load.
bool trusted(int fd) {
  struct stat info {};
  return ::fstat(fd, &info) == 0 && info.st_uid == ::geteuid() && (info.st_mode & (S_IWGRP | S_IWOTH)) == 0;
}

std::optional<SeccompProgram> read_entry(const std::string& dir, const std::string& path, const std::string& key) {
  UniqueFd directory(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (!directory || !trusted(directory.get())) return std::nullopt;
  UniqueFd file(::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
  struct stat info {};
  if (!file || !trusted(file.get()) || ::fstat(file.get(), &info) != 0 || !S_ISREG(info.st_mode) ||
      info.st_size > (16 << 20))
    return std::nullopt;
  std::string text(static_cast<size_t>(info.st_size), '\0');
  if (::pread(file.get(), text.data(), text.size(), 0) != static_cast<ssize_t>(text.size())) return std::nullopt;
  std::string_view rest = text;
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
  if (auto cached = read_entry(dir, path, key)) return std::move(*cached);
  BERTH_ASSIGN(SeccompProgram program, compile_seccomp(seccomp));
  // Best effort: a full or read-only state dir must not stop the container.
  if (make_directories(dir, 0700)) {
    std::string entry = fmt::format("{}{}\n{}{}", kMagic, key.size(), key, encode_seccomp_program(program));
    (void)write_file_atomic(path, entry, 0600, Durability::until_reboot);
  }
  return program;
}

}  // namespace berth::runtime
