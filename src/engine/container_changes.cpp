// ContainerService::changes (docker diff), read from the container's overlay
// upper dir: a whiteout (0/0 character device) is a deletion; an entry the
// image also has is a change, any other an addition. As dockerd, which keeps
// its mount points in a hidden init layer, the mount points the runtime
// creates (/etc/hosts, /proc, …, volume destinations) are not changes, and
// a directory the image has is listed only when something below it is.
#include <fcntl.h>
#include <sys/stat.h>

#include <algorithm>
#include <set>

#include "engine/container_service.h"
#include "engine/image_view.h"
#include "image/whiteout.h"

namespace berth {

namespace {

bool is_whiteout(const std::filesystem::directory_entry& entry) {
  struct stat info {};
  return ::lstat(entry.path().c_str(), &info) == 0 && is_overlay_whiteout(info);
}

class ChangeWalk {
 public:
  ChangeWalk(int image_fd, std::set<std::string> mount_points)
      : image_fd_(image_fd), mount_points_(std::move(mount_points)) {}

  // Walks `dir` (the upper dir's `relative`); true when it reported anything.
  Result<bool> walk(const std::filesystem::path& dir, const std::string& relative) {
    std::error_code error;
    std::vector<std::filesystem::directory_entry> entries;
    for (std::filesystem::directory_iterator it(dir, error), end; !error && it != end; it.increment(error))
      entries.push_back(*it);
    if (error) return fail("read {}: {}", dir.string(), error.message());
    bool reported = false;
    for (const auto& entry : entries) {
      std::string path = relative + "/" + entry.path().filename().string();
      if (is_whiteout(entry)) {
        changes_.push_back({ContainerChange::Kind::deleted, path});
        reported = true;
        continue;
      }
      bool in_image = image_has(path);
      bool is_dir = entry.is_directory(error) && !entry.is_symlink(error);
      bool below = false;
      if (is_dir) {
        BERTH_ASSIGN(below, walk(entry.path(), path));
      }
      if (mount_points_.contains(path) && !below) continue;  // made by the runtime to mount on
      if (!in_image) {
        changes_.push_back({ContainerChange::Kind::added, path});
      } else if (!is_dir || below) {
        changes_.push_back({ContainerChange::Kind::modified, path});
      } else {
        continue;  // a directory the image has, copied up for a mount point only
      }
      reported = true;
    }
    return reported;
  }

  std::vector<ContainerChange> take() {
    std::sort(changes_.begin(), changes_.end(), [](const auto& a, const auto& b) { return a.path < b.path; });
    return std::move(changes_);
  }

 private:
  bool image_has(const std::string& path) const {
    struct stat info {};
    return ::fstatat(image_fd_, path.c_str() + 1, &info, AT_SYMLINK_NOFOLLOW) == 0;
  }

  int image_fd_;
  std::set<std::string> mount_points_;
  std::vector<ContainerChange> changes_;
};

}  // namespace

Result<std::vector<ContainerChange>> ContainerService::changes(std::string_view name) {
  BERTH_ASSIGN(ContainerRecord record, find(name));
  BERTH_ASSIGN(std::vector<std::filesystem::path> layers, image_layers(record));
  BERTH_ASSIGN(ImageView view, open_image_view(layers));
  UniqueFd image(::open(view.path.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!image) return fail_errno(errno, "open the image of container {}", record.id);
  // The runtime's mount points, from the spec it ran with (when it ran).
  BERTH_ASSIGN(std::set<std::string> mount_points, runtime_mount_points(record));
  ChangeWalk walk(image.get(), std::move(mount_points));
  BERTH_TRY(walk.walk(paths_of(record.id).upper(), ""));
  return walk.take();
}

}  // namespace berth
