#include "engine/mount_point_layer.h"

#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <string>

#include "base/file_io.h"
#include "base/remove_tree.h"
#include "base/unique_fd.h"
#include "image/whiteout.h"

namespace berth {

namespace {

enum class Found { missing, directory, other };

Found kind_of(const struct stat& st) {
  if (is_overlay_whiteout(st)) return Found::missing;
  return S_ISDIR(st.st_mode) ? Found::directory : Found::other;
}

bool is_opaque(int layer_fd, const char* directory) {
  char value[2] = {};
  std::string path = fmt::format("/proc/self/fd/{}/{}", layer_fd, directory);
  std::string name(kOverlayOpaqueXattr);
  return ::lgetxattr(path.c_str(), name.c_str(), value, sizeof value) == 1 && value[0] == 'y';
}

// What the image's merged view holds at `name` in its root. `found` is set
// to the topmost layer's entry when there is one.
Result<Found> look_up_top(const std::vector<UniqueFd>& layers, const char* name, struct stat* found = nullptr) {
  for (const auto& layer : layers) {
    struct stat st {};
    if (::fstatat(layer.get(), name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
      if (errno == ENOENT) continue;
      return fail_errno(errno, "stat /{} in the image", name);
    }
    if (found) *found = st;
    return kind_of(st);
  }
  return Found::missing;
}

// What it holds at `directory`/`name`, where `directory` is a directory of
// the root or absent. Lower layers count only while each layer's
// `directory` is a directory that is not opaque.
Result<Found> look_up_child(const std::vector<UniqueFd>& layers, const char* directory, const char* name) {
  std::string path = fmt::format("{}/{}", directory, name);
  for (const auto& layer : layers) {
    struct stat parent {};
    if (::fstatat(layer.get(), directory, &parent, AT_SYMLINK_NOFOLLOW) != 0) {
      if (errno == ENOENT) continue;
      return fail_errno(errno, "stat /{} in the image", directory);
    }
    if (!S_ISDIR(parent.st_mode)) return Found::missing;  // a whiteout or a file hides all below
    struct stat st {};
    // The parent is a real directory of this layer: the path stays inside it.
    if (::fstatat(layer.get(), path.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0) return kind_of(st);
    if (errno != ENOENT) return fail_errno(errno, "stat /{} in the image", path);
    if (is_opaque(layer.get(), directory)) return Found::missing;
  }
  return Found::missing;
}

Status make_layer(int dir_fd, const std::vector<UniqueFd>& layers) {
  for (const char* name : {"proc", "sys", "dev"}) {
    BERTH_ASSIGN(Found found, look_up_top(layers, name));
    if (found == Found::missing && ::mkdirat(dir_fd, name, 0755) != 0) return fail_errno(errno, "mkdir /{}", name);
  }
  struct stat etc {};
  BERTH_ASSIGN(Found etc_found, look_up_top(layers, "etc", &etc));
  if (etc_found == Found::other) return {};  // a symlink or a file: the runtime deals with it, as before
  bool etc_made = false;
  for (const char* name : {"hosts", "hostname", "resolv.conf"}) {
    BERTH_ASSIGN(Found found, look_up_child(layers, "etc", name));
    if (found != Found::missing) continue;
    if (!etc_made) {
      if (::mkdirat(dir_fd, "etc", 0755) != 0) return fail_errno(errno, "mkdir /etc");
      etc_made = true;
    }
    UniqueFd file(::openat(dir_fd, fmt::format("etc/{}", name).c_str(),
                           O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644));
    if (!file) return fail_errno(errno, "create /etc/{}", name);
  }
  // This layer's /etc is the merged view's (the upper layer's directory
  // wins): it keeps the image's owner and mode, as a copy-up would.
  if (etc_made && etc_found == Found::directory) {
    if (::fchownat(dir_fd, "etc", etc.st_uid, etc.st_gid, AT_SYMLINK_NOFOLLOW) != 0 ||
        ::fchmodat(dir_fd, "etc", etc.st_mode & 07777, 0) != 0)
      return fail_errno(errno, "set /etc's owner and mode");
    const struct timespec times[2] = {etc.st_atim, etc.st_mtim};
    if (::utimensat(dir_fd, "etc", times, AT_SYMLINK_NOFOLLOW) != 0) return fail_errno(errno, "set /etc's times");
  }
  return {};
}

}  // namespace

std::filesystem::path mount_point_layer_path(const std::filesystem::path& root, const Digest& image_id) {
  return root / "mountpoints" / std::string(image_id.hex());
}

std::optional<std::filesystem::path> existing_mount_point_layer(const std::filesystem::path& layer) {
  struct stat st {};
  if (::lstat(layer.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) return layer;
  return std::nullopt;
}

Result<std::filesystem::path> ensure_mount_point_layer(const std::filesystem::path& layer,
                                                       const std::vector<std::filesystem::path>& image_layers) {
  if (existing_mount_point_layer(layer)) return layer;
  std::vector<UniqueFd> layers;
  for (const auto& path : image_layers) {
    UniqueFd fd(::open(path.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!fd) return fail_errno(errno, "open layer {}", path.string());
    layers.push_back(std::move(fd));
  }
  std::filesystem::path parent = layer.parent_path();
  BERTH_TRY(make_directories(parent.string(), 0700));
  UniqueFd parent_fd(::open(parent.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!parent_fd) return fail_errno(errno, "open {}", parent.string());
  // Made aside, then renamed into place: a reader never sees half a layer.
  std::string staging = fmt::format(".tmp-{}-{}", layer.filename().string(), ::getpid());
  (void)remove_tree(parent_fd.get(), staging);  // a crashed maker's (pids are reused)
  if (::mkdirat(parent_fd.get(), staging.c_str(), 0755) != 0)
    return fail_errno(errno, "create {}/{}", parent.string(), staging);
  UniqueFd staging_fd(::openat(parent_fd.get(), staging.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  Status made = staging_fd ? make_layer(staging_fd.get(), layers)
                           : Status(fail_errno(errno, "open {}/{}", parent.string(), staging));
  // Never over another process's layer (made meanwhile, and the same), which
  // a container may already have among its lower layers.
  if (made &&
      ::renameat2(parent_fd.get(), staging.c_str(), parent_fd.get(), layer.filename().c_str(), RENAME_NOREPLACE) != 0 &&
      errno != EEXIST)
    made = fail_errno(errno, "rename into {}", layer.string());
  (void)remove_tree(parent_fd.get(), staging);  // gone unless the rename failed
  if (!made) return std::unexpected(std::move(made.error()).context("mount points of the image"));
  return layer;
}

}  // namespace berth
