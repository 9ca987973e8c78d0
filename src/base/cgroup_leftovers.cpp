#include "base/cgroup_leftovers.h"

#include <dirent.h>
#include <linux/magic.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <string_view>

#include "base/file_io.h"

namespace berth {

namespace {

bool on_cgroup_fs(const std::string& path) {
  struct statfs fs {};
  return ::statfs(path.c_str(), &fs) == 0 && (fs.f_type == CGROUP_SUPER_MAGIC || fs.f_type == CGROUP2_SUPER_MAGIC);
}

// rmdir, retried for a moment on EBUSY: a cgroup stays busy briefly after
// its last task has exited.
bool remove_empty_cgroup(const std::string& dir) {
  for (int attempt = 0;; ++attempt) {
    if (::rmdir(dir.c_str()) == 0 || errno == ENOENT) return true;
    if (errno != EBUSY || attempt >= 10) return false;
    ::usleep(1000);
  }
}

// rmdir, first of the sub-cgroups when the kernel says it is not empty (a
// cgroup's own files go with its rmdir; only child directories block it).
Status remove_cgroup_dir(const std::string& dir, int depth) {
  if (remove_empty_cgroup(dir)) return {};
  if ((errno != ENOTEMPTY && errno != EBUSY) || depth > 16) return fail_errno(errno, "rmdir {}", dir);
  int first_error = errno;
  if (DIR* listing = ::opendir(dir.c_str())) {
    while (dirent* entry = ::readdir(listing)) {
      std::string_view name = entry->d_name;
      if (entry->d_type != DT_DIR || name == "." || name == "..") continue;
      (void)remove_cgroup_dir(dir + "/" + entry->d_name, depth + 1);
    }
    ::closedir(listing);
  }
  if (remove_empty_cgroup(dir)) return {};
  return fail_errno(errno == ENOTEMPTY ? first_error : errno, "rmdir {}", dir);
}

}  // namespace

Status remove_listed_cgroups(const std::string& list_path, std::string_view container_id) {
  auto list = read_file(list_path);
  if (!list) {
    if (list.error().errno_value == ENOENT) return {};
    return std::unexpected(std::move(list.error()));
  }
  Status result;
  std::string_view rest = *list;
  while (!rest.empty()) {
    size_t end = rest.find('\n');
    std::string dir(rest.substr(0, end));
    rest.remove_prefix(end == std::string_view::npos ? rest.size() : end + 1);
    if (dir.empty()) continue;
    Status removed;
    if (dir.front() != '/' || dir.find("/../") != std::string::npos || dir.ends_with("/..") ||
        dir.find('\0') != std::string::npos)
      removed = fail("{}: not an absolute path: \"{}\"", list_path, dir);
    else if (container_id.empty() || !dir.ends_with(container_id))
      removed = fail("{}: \"{}\" is not a cgroup of container {}", list_path, dir, container_id);
    else if (on_cgroup_fs(dir))  // gone already (ENOENT) or not a cgroup: nothing to do
      removed = remove_cgroup_dir(dir, 0);
    if (!removed && result) result = std::move(removed);
  }
  return result;
}

}  // namespace berth
