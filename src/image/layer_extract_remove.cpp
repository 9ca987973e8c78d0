// Removing what an earlier entry of the same layer put at a name, so a later
// entry can take it. Like `rm -r`, but fd-relative and never following a
// symlink: std::filesystem::remove_all works on path strings.
#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <memory>
#include <vector>

#include "image/layer_extract_writer.h"

namespace berth {

namespace {

struct DirCloser {
  void operator()(DIR* dir) const { ::closedir(dir); }
};

Result<std::vector<std::string>> list_directory(int dir_fd) {
  int copy = ::dup(dir_fd);  // closedir() closes the fd it was given
  if (copy < 0) return fail_errno(errno, "dup");
  std::unique_ptr<DIR, DirCloser> dir(::fdopendir(copy));
  if (!dir) {
    int err = errno;
    ::close(copy);
    return fail_errno(err, "fdopendir");
  }
  std::vector<std::string> names;
  while (dirent* child = ::readdir(dir.get())) {
    std::string_view name = child->d_name;
    if (name != "." && name != "..") names.emplace_back(name);
  }
  return names;
}

}  // namespace

Status remove_entry_at(int dir_fd, const std::string& name) {
  if (::unlinkat(dir_fd, name.c_str(), 0) == 0 || errno == ENOENT) return {};
  if (errno != EISDIR) return fail_errno(errno, "remove {}", name);
  UniqueFd directory(::openat(dir_fd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (!directory) return fail_errno(errno, "open directory {} to remove it", name);
  // Listed first, removed after: readdir while unlinking may skip names.
  BERTH_ASSIGN(auto children, list_directory(directory.get()));
  for (const auto& child : children) BERTH_TRY(remove_entry_at(directory.get(), child));
  if (::unlinkat(dir_fd, name.c_str(), AT_REMOVEDIR) != 0) return fail_errno(errno, "remove directory {}", name);
  return {};
}

}  // namespace berth
