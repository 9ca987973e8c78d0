#include "store/store_paths.h"

#include <sys/stat.h>

#include "base/file_io.h"

namespace berth::store {

namespace {

Status make_private_directory(const std::filesystem::path& path) {
  if (::mkdir(path.c_str(), 0700) != 0 && errno != EEXIST) return fail_errno(errno, "mkdir {}", path.string());
  struct stat info {};
  if (::lstat(path.c_str(), &info) != 0) return fail_errno(errno, "stat {}", path.string());
  if (!S_ISDIR(info.st_mode)) return fail("mkdir {}: exists and is not a directory", path.string());
  if ((info.st_mode & 07777) != 0700 && ::chmod(path.c_str(), 0700) != 0)
    return fail_errno(errno, "chmod {}", path.string());
  return {};
}

}  // namespace

Status prepare_store_dirs(const StorePaths& paths) {
  if (paths.root.empty()) return fail("store root is not set");
  auto parent = paths.root.parent_path();
  if (!parent.empty()) BERTH_TRY(make_directories(parent.string(), 0755));
  BERTH_TRY(make_private_directory(paths.root));
  for (const auto& dir : {paths.root / "blobs", paths.blobs(), paths.ingest(), paths.layers(), paths.layers_tmp(),
                          paths.locks(), paths.tmp()})
    BERTH_TRY(make_private_directory(dir));
  if (!paths.runroot.empty()) {
    auto run_parent = paths.runroot.parent_path();
    if (!run_parent.empty()) BERTH_TRY(make_directories(run_parent.string(), 0755));
    BERTH_TRY(make_private_directory(paths.runroot));
  }
  return {};
}

}  // namespace berth::store
