#include "base/path_in_root.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <climits>
#include <optional>
#include <vector>

namespace berth {

std::string clean_path(std::string_view path) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    std::string_view part = path.substr(start, end - start);
    if (part == "..") {
      if (!parts.empty()) parts.pop_back();
    } else if (!part.empty() && part != ".") {
      parts.push_back(part);
    }
    start = end + 1;
  }
  std::string cleaned;
  for (auto part : parts) {
    cleaned += '/';
    cleaned += part;
  }
  if (cleaned.empty()) return "/";
  return cleaned;
}

Result<UniqueFd> open_in_root(int root_fd, std::string_view path, int flags, unsigned mode) {
  std::string relative = clean_path(path);
  open_how how{};
  how.flags = static_cast<unsigned long long>(flags | O_CLOEXEC);
  how.mode = (flags & (O_CREAT | O_TMPFILE)) ? mode : 0;
  how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
  for (;;) {
    // openat2 wants a path relative to root_fd; "/" itself is ".".
    const char* name = relative == "/" ? "." : relative.c_str() + 1;
    long fd = ::syscall(SYS_openat2, root_fd, name, &how, sizeof how);
    if (fd >= 0) return UniqueFd(static_cast<int>(fd));
    if (errno == EAGAIN || errno == EINTR) continue;  // a rename raced the lookup: retry
    return fail_errno(errno, "open {} in container root", relative);
  }
}

namespace {

// Splits a cleaned absolute path into its components.
std::vector<std::string> components(const std::string& cleaned) {
  std::vector<std::string> parts;
  size_t start = 1;
  while (start < cleaned.size()) {
    size_t end = cleaned.find('/', start);
    if (end == std::string::npos) end = cleaned.size();
    parts.emplace_back(cleaned.substr(start, end - start));
    start = end + 1;
  }
  return parts;
}

}  // namespace

namespace {

// The target of a dangling symlink `name` in dir_fd, as a cleaned path in the
// root (relative targets resolve against `parent`); nothing when not a symlink.
std::optional<std::string> dangling_link_target(int dir_fd, const std::string& name, const std::string& parent) {
  char target[PATH_MAX];
  ssize_t length = ::readlinkat(dir_fd, name.c_str(), target, sizeof target - 1);
  if (length < 0) return std::nullopt;
  std::string link(target, static_cast<size_t>(length));
  return clean_path(link.starts_with('/') ? link : parent + "/" + link);
}

constexpr int kMaxSymlinks = 40;  // as the kernel's MAXSYMLINKS

}  // namespace

Result<UniqueFd> make_directories_in_root(int root_fd, std::string_view path, unsigned mode) {
  std::string cleaned = clean_path(path);
  // Fast path: the directory usually exists already (one openat2).
  auto existing = open_in_root(root_fd, cleaned, O_PATH | O_DIRECTORY);
  if (existing || existing.error().errno_value != ENOENT) return existing;
  for (int links = 0; links < kMaxSymlinks; ++links) {
    BERTH_ASSIGN(UniqueFd current, open_in_root(root_fd, "/", O_PATH | O_DIRECTORY));
    auto parts = components(cleaned);
    std::string walked;
    bool restarted = false;
    for (size_t i = 0; i < parts.size() && !restarted; ++i) {
      const std::string& part = parts[i];
      std::string parent = walked.empty() ? "/" : walked;
      walked += "/" + part;
      auto next = open_in_root(root_fd, walked, O_PATH | O_DIRECTORY);
      if (!next && next.error().errno_value == ENOENT) {
        // The parent fd was resolved inside the root, and `part` has no slash,
        // so this mkdir cannot land outside it.
        if (::mkdirat(current.get(), part.c_str(), mode) != 0) {
          if (errno != EEXIST) return fail_errno(errno, "mkdir {} in container root", walked);
          // A dangling symlink: create what it points to, inside the root.
          if (auto target = dangling_link_target(current.get(), part, parent)) {
            for (size_t rest = i + 1; rest < parts.size(); ++rest) *target += "/" + parts[rest];
            cleaned = clean_path(*target);
            restarted = true;
            break;
          }
        }
        next = open_in_root(root_fd, walked, O_PATH | O_DIRECTORY);
      }
      if (!next) return std::unexpected(std::move(next.error()));
      current = std::move(*next);
    }
    if (!restarted) return current;
  }
  return fail_errno(ELOOP, "mkdir {} in container root", path);
}

Result<UniqueFd> make_file_in_root(int root_fd, std::string_view path, unsigned mode) {
  std::string cleaned = clean_path(path);
  for (int links = 0; links < kMaxSymlinks; ++links) {
    if (cleaned == "/") return fail("create file {}: the path is the root itself", path);
    auto existing = open_in_root(root_fd, cleaned, O_PATH);
    if (existing || existing.error().errno_value != ENOENT) return existing;
    size_t slash = cleaned.rfind('/');
    std::string parent = slash == 0 ? "/" : cleaned.substr(0, slash);
    std::string name = cleaned.substr(slash + 1);
    BERTH_ASSIGN(UniqueFd parent_fd, make_directories_in_root(root_fd, parent));
    UniqueFd created(
        ::openat(parent_fd.get(), name.c_str(), O_CREAT | O_EXCL | O_RDONLY | O_CLOEXEC | O_NOFOLLOW, mode));
    if (created) return open_in_root(root_fd, cleaned, O_PATH);
    if (errno != EEXIST) return fail_errno(errno, "create {} in container root", cleaned);
    // EEXIST with ENOENT above: a dangling symlink; create its target, inside the root.
    auto target = dangling_link_target(parent_fd.get(), name, parent);
    if (!target) continue;  // raced with a creation: look again
    cleaned = *target;
  }
  return fail_errno(ELOOP, "create {} in container root", path);
}

std::string fd_path(int fd) { return "/proc/self/fd/" + std::to_string(fd); }

}  // namespace berth
