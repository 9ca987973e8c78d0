#include "base/path_in_root.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

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

Result<UniqueFd> make_directories_in_root(int root_fd, std::string_view path, unsigned mode) {
  std::string cleaned = clean_path(path);
  // Fast path: the directory usually exists already (one openat2).
  auto existing = open_in_root(root_fd, cleaned, O_PATH | O_DIRECTORY);
  if (existing || existing.error().errno_value != ENOENT) return existing;
  BERTH_ASSIGN(UniqueFd current, open_in_root(root_fd, "/", O_PATH | O_DIRECTORY));
  std::string walked;
  for (const auto& part : components(cleaned)) {
    walked += "/" + part;
    auto next = open_in_root(root_fd, walked, O_PATH | O_DIRECTORY);
    if (!next && next.error().errno_value == ENOENT) {
      // The parent fd was resolved inside the root, and `part` has no slash,
      // so this mkdir cannot land outside it.
      if (::mkdirat(current.get(), part.c_str(), mode) != 0 && errno != EEXIST)
        return fail_errno(errno, "mkdir {} in container root", walked);
      next = open_in_root(root_fd, walked, O_PATH | O_DIRECTORY);
    }
    if (!next) return std::unexpected(std::move(next.error()));
    current = std::move(*next);
  }
  return current;
}

Result<UniqueFd> make_file_in_root(int root_fd, std::string_view path, unsigned mode) {
  std::string cleaned = clean_path(path);
  if (cleaned == "/") return fail("create file /: the path is the root itself");
  auto existing = open_in_root(root_fd, cleaned, O_PATH);
  if (existing) return existing;
  size_t slash = cleaned.rfind('/');
  std::string parent = cleaned.substr(0, slash);
  std::string name = cleaned.substr(slash + 1);
  BERTH_ASSIGN(UniqueFd parent_fd, make_directories_in_root(root_fd, parent.empty() ? "/" : parent));
  UniqueFd created(::openat(parent_fd.get(), name.c_str(), O_CREAT | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, mode));
  if (!created && errno != EEXIST && errno != ELOOP) return fail_errno(errno, "create {} in container root", cleaned);
  return open_in_root(root_fd, cleaned, O_PATH);
}

std::string fd_path(int fd) { return "/proc/self/fd/" + std::to_string(fd); }

}  // namespace berth
