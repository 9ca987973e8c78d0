// Knob I/O and directory management for cgroup file systems (see cgroup_fs.h).
#include "runtime/cgroup_fs.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <charconv>
#include <thread>

#include "base/unique_fd.h"

namespace berth::runtime::cgroupfs {

std::string join(const std::string& dir, std::string_view name) {
  std::string path;
  path.reserve(dir.size() + 1 + name.size());
  path += dir;
  path += '/';
  path += name;
  return path;
}

Status write(const std::string& dir, std::string_view name, std::string_view value) {
  std::string path = join(dir, name);
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CLOEXEC));
  if (!fd) return fail_errno(errno, "write {} to {}", value, path);
  ssize_t n;
  do {
    n = ::write(fd.get(), value.data(), value.size());
  } while (n < 0 && errno == EINTR);
  if (n < 0) return fail_errno(errno, "write {} to {}", value, path);
  return {};
}

Result<std::string> read(const std::string& dir, std::string_view name) {
  std::string path = join(dir, name);
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return fail_errno(errno, "read {}", path);
  std::string content;
  char buffer[4096];
  for (;;) {
    ssize_t n = ::read(fd.get(), buffer, sizeof buffer);
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail_errno(errno, "read {}", path);
    }
    if (n == 0) break;
    content.append(buffer, static_cast<size_t>(n));
  }
  return content;
}

Result<std::string> read_trimmed(const std::string& dir, std::string_view name) {
  BERTH_ASSIGN(std::string content, read(dir, name));
  while (!content.empty() && (content.back() == '\n' || content.back() == ' ')) content.pop_back();
  return content;
}

Result<std::optional<uint64_t>> read_u64(const std::string& dir, std::string_view name) {
  BERTH_ASSIGN(std::string content, read_trimmed(dir, name));
  if (content == "max") return std::optional<uint64_t>{};
  uint64_t value = 0;
  auto [end, ec] = std::from_chars(content.data(), content.data() + content.size(), value);
  if (ec != std::errc() || end != content.data() + content.size()) {
    // v1 reports some unlimited values as -1.
    if (content == "-1") return std::optional<uint64_t>{};
    return fail("read {}: not a number: \"{}\"", join(dir, name), content);
  }
  return std::optional<uint64_t>{value};
}

uint64_t sum_device_field(std::string_view content, std::string_view field) {
  uint64_t total = 0;
  size_t pos = 0;
  while (pos < content.size()) {
    size_t eol = content.find('\n', pos);
    if (eol == std::string_view::npos) eol = content.size();
    std::string_view line = content.substr(pos, eol - pos);
    pos = eol + 1;
    // The device ("8:0") first; "Total" lines of v1 have none.
    size_t space = line.find(' ');
    if (space == std::string_view::npos || line.substr(0, space).find(':') == std::string_view::npos) continue;
    size_t at = line.find(field, space);
    if (at == std::string_view::npos || line[at - 1] != ' ') continue;
    std::string_view number = line.substr(at + field.size());
    uint64_t value = 0;
    std::from_chars(number.data(), number.data() + number.size(), value);
    total += value;
  }
  return total;
}

uint64_t keyed_value(std::string_view content, std::string_view key) {
  size_t pos = 0;
  while (pos < content.size()) {
    size_t eol = content.find('\n', pos);
    if (eol == std::string_view::npos) eol = content.size();
    std::string_view line = content.substr(pos, eol - pos);
    if (line.size() > key.size() && line.starts_with(key) && line[key.size()] == ' ') {
      std::string_view number = line.substr(key.size() + 1);
      uint64_t value = 0;
      std::from_chars(number.data(), number.data() + number.size(), value);
      return value;
    }
    pos = eol + 1;
  }
  return 0;
}

Status make_dirs(const std::string& dir, std::vector<std::string>& created) {
  // Optimistic: the parent usually exists, so one mkdir is the common cost.
  if (::mkdir(dir.c_str(), 0755) == 0) {
    created.push_back(dir);
    return {};
  }
  if (errno == EEXIST) return {};
  if (errno != ENOENT) return fail_errno(errno, "mkdir {}", dir);
  size_t slash = dir.rfind('/');
  if (slash == std::string::npos || slash == 0) return fail_errno(ENOENT, "mkdir {}", dir);
  BERTH_TRY(make_dirs(dir.substr(0, slash), created));
  if (::mkdir(dir.c_str(), 0755) == 0) {
    created.push_back(dir);
    return {};
  }
  if (errno == EEXIST) return {};
  return fail_errno(errno, "mkdir {}", dir);
}

namespace {

// Child directories of a cgroup (its sub-cgroups); ENOENT gives none.
Result<std::vector<std::string>> child_dirs(const std::string& dir) {
  std::vector<std::string> children;
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return children;
    return fail_errno(errno, "open {}", dir);
  }
  DIR* stream = ::fdopendir(fd);
  if (stream == nullptr) {
    int err = errno;
    ::close(fd);
    return fail_errno(err, "opendir {}", dir);
  }
  while (dirent* entry = ::readdir(stream)) {
    if (entry->d_type != DT_DIR) continue;
    std::string_view name = entry->d_name;
    if (name == "." || name == "..") continue;
    children.push_back(join(dir, name));
  }
  ::closedir(stream);
  return children;
}

}  // namespace

Status remove_tree(const std::string& dir) {
  // Try the leaf first: containers rarely create sub-cgroups, so listing is
  // only needed when rmdir says the directory is not empty.
  for (int attempt = 0;; ++attempt) {
    if (::rmdir(dir.c_str()) == 0 || errno == ENOENT) return {};
    int err = errno;
    if (err == ENOTEMPTY || (err == EBUSY && attempt == 0)) {
      BERTH_ASSIGN(auto children, child_dirs(dir));
      if (!children.empty()) {
        for (const auto& child : children) BERTH_TRY(remove_tree(child));
        continue;
      }
    }
    if (err != EBUSY || attempt >= 40) return fail_errno(err, "rmdir {}", dir);
    // A cgroup stays busy a moment after its last task exits; one that still
    // lists tasks will not become free by waiting.
    if (attempt == 4) {
      auto procs = read(dir, "cgroup.procs");
      if (procs && procs->find_first_not_of(" \n") != std::string::npos)
        return fail_errno(err, "rmdir {} (it still has processes)", dir);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(attempt < 10 ? 1 : 10));
  }
}

Status collect_procs(const std::string& dir, std::vector<pid_t>& pids) {
  auto content = read(dir, "cgroup.procs");
  if (!content) {
    if (content.error().errno_value == ENOENT) return {};
    return std::unexpected(std::move(content.error()));
  }
  std::string_view text = *content;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t eol = text.find('\n', pos);
    if (eol == std::string_view::npos) eol = text.size();
    pid_t pid = 0;
    auto [end, ec] = std::from_chars(text.data() + pos, text.data() + eol, pid);
    if (ec == std::errc() && pid > 0) pids.push_back(pid);
    pos = eol + 1;
  }
  BERTH_ASSIGN(auto children, child_dirs(dir));
  for (const auto& child : children) BERTH_TRY(collect_procs(child, pids));
  return {};
}

}  // namespace berth::runtime::cgroupfs
