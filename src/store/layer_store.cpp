#include "store/layer_store.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>

#include "store/disk_usage.h"
#include "store/durable_io.h"
#include "store/inode_placement.h"
#include "base/remove_tree.h"

namespace berth::store {

namespace {

Result<UniqueFd> open_directory(const std::filesystem::path& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (!fd) return fail_errno(errno, "open {}", path.string());
  return fd;
}

Result<std::vector<std::string>> list_names(int dir_fd, const std::filesystem::path& what) {
  DIR* dir = ::fdopendir(::dup(dir_fd));
  if (dir == nullptr) return fail_errno(errno, "read {}", what.string());
  std::vector<std::string> names;
  for (;;) {
    errno = 0;
    dirent* entry = ::readdir(dir);
    if (entry == nullptr) break;
    std::string_view name = entry->d_name;
    if (name != "." && name != "..") names.emplace_back(name);
  }
  int err = errno;
  ::closedir(dir);
  if (err != 0) return fail_errno(err, "read {}", what.string());
  return names;
}

// "<64 hex>" names a chain; anything else in layers/ is not a layer.
std::optional<Digest> chain_from_name(std::string_view name) {
  auto digest = Digest::parse(std::string("sha256:") + std::string(name));
  if (!digest) return std::nullopt;
  return *digest;
}

}  // namespace

Digest chain_id(const std::optional<Digest>& parent_chain, const Digest& diff_id) {
  if (!parent_chain) return diff_id;
  return Digest::of(parent_chain->str() + " " + diff_id.str());
}

LayerStore::LayerStore(StorePaths paths) : paths_(std::move(paths)) {}

std::filesystem::path LayerStore::layer_path(const Digest& chain) const { return paths_.layers() / chain.hex(); }
std::filesystem::path LayerStore::diff_path(const Digest& chain) const { return layer_path(chain) / "diff"; }
std::filesystem::path LayerStore::lock_path(std::string_view chain_hex) const {
  return paths_.locks() / ("layer-" + std::string(chain_hex));
}

bool LayerStore::contains(const Digest& chain) const {
  if (chain.empty()) return false;
  struct stat info {};
  return ::lstat(diff_path(chain).c_str(), &info) == 0 && S_ISDIR(info.st_mode);
}

LayerStore::Pending& LayerStore::Pending::operator=(Pending&& other) noexcept {
  if (this != &other) {
    abandon();
    chain_ = std::move(other.chain_);
    layers_dir_ = std::move(other.layers_dir_);
    temporary_name_ = std::move(other.temporary_name_);
    diff_path_ = std::move(other.diff_path_);
    tmp_dir_fd_ = std::move(other.tmp_dir_fd_);
    diff_fd_ = std::move(other.diff_fd_);
    lock_ = std::move(other.lock_);
  }
  return *this;
}

LayerStore::Pending::~Pending() { abandon(); }

void LayerStore::Pending::abandon() {
  if (!tmp_dir_fd_) return;
  diff_fd_.reset();
  // Best effort: what cannot be deleted now stays in .tmp, where
  // remove_stale_temporaries() finds it once our lock is released.
  if (!temporary_name_.empty()) (void)remove_tree(tmp_dir_fd_.get(), temporary_name_);
  tmp_dir_fd_.reset();
  lock_.release_and_remove();
}

Status LayerStore::Pending::commit() {
  if (!tmp_dir_fd_) return fail("commit layer {}: already finished", chain_);
  // One syncfs for every file the extraction wrote: the rename below must not
  // reach the disk before the content does.
  if (::syncfs(diff_fd_.get()) != 0) return fail_errno(errno, "syncfs {}", diff_path_.string());
  diff_fd_.reset();
  BERTH_ASSIGN(UniqueFd layers_fd, open_directory(layers_dir_));
  std::string target(chain_.hex());
  if (::renameat2(tmp_dir_fd_.get(), temporary_name_.c_str(), layers_fd.get(), target.c_str(), RENAME_NOREPLACE) != 0) {
    int err = errno;
    struct stat info {};
    bool complete = ::fstatat(layers_fd.get(), (target + "/diff").c_str(), &info, AT_SYMLINK_NOFOLLOW) == 0 &&
                    S_ISDIR(info.st_mode);
    if ((err == EEXIST || err == ENOTEMPTY) && complete) {
      abandon();  // someone else completed the same layer: theirs is as good as ours
      return {};
    }
    return fail_errno(err, "rename layer {} into place", chain_);
  }
  if (::fsync(layers_fd.get()) != 0) return fail_errno(errno, "fsync {}", layers_dir_.string());
  tmp_dir_fd_.reset();
  lock_.release_and_remove();
  return {};
}

Result<std::optional<LayerStore::Pending>> LayerStore::begin(const Digest& chain) {
  if (chain.empty()) return fail("begin layer: empty chain id");
  if (contains(chain)) return std::optional<Pending>();
  BERTH_ASSIGN(FileLock lock, FileLock::acquire(lock_path(chain.hex())));
  if (contains(chain)) {  // the process we waited for wrote it
    lock.release_and_remove();
    return std::optional<Pending>();
  }

  Pending pending;
  pending.chain_ = chain;
  pending.layers_dir_ = paths_.layers();
  pending.lock_ = std::move(lock);
  BERTH_ASSIGN(pending.tmp_dir_fd_, open_directory(paths_.layers_tmp()));
  // Spreads layer trees over inode groups, away from the inodes the last
  // removal freed (usually; see inode_placement.h). Best effort.
  (void)spread_subdirectories(pending.tmp_dir_fd_.get());
  std::string temporary = (paths_.layers_tmp() / (std::string(chain.hex()) + "-XXXXXX")).string();
  if (::mkdtemp(temporary.data()) == nullptr) return fail_errno(errno, "create {}", temporary);
  // From here on the destructor deletes the temporary directory.
  pending.temporary_name_ = std::filesystem::path(temporary).filename();
  if (::mkdirat(pending.tmp_dir_fd_.get(), (pending.temporary_name_ + "/diff").c_str(), 0755) != 0)
    return fail_errno(errno, "create {}/diff", temporary);
  pending.diff_path_ = std::filesystem::path(temporary) / "diff";
  BERTH_ASSIGN(pending.diff_fd_, open_directory(pending.diff_path_));
  return std::optional<Pending>(std::move(pending));
}

Status LayerStore::remove(const Digest& chain) {
  if (chain.empty()) return fail("remove layer: empty chain id");
  // The lock keeps remove_stale_temporaries() off our directory and a
  // concurrent begin() of the same chain waiting until it is gone.
  BERTH_ASSIGN(FileLock lock, FileLock::acquire(lock_path(chain.hex())));
  BERTH_ASSIGN(UniqueFd layers_fd, open_directory(paths_.layers()));
  BERTH_ASSIGN(UniqueFd tmp_fd, open_directory(paths_.layers_tmp()));
  std::string name(chain.hex());
  std::string doomed = name + "-removing-" + random_suffix();
  if (::renameat(layers_fd.get(), name.c_str(), tmp_fd.get(), doomed.c_str()) != 0) {
    if (errno == ENOENT) {
      lock.release_and_remove();
      return {};
    }
    return fail_errno(errno, "remove layer {}: rename into {}", chain, paths_.layers_tmp().string());
  }
  // Durable before the caller forgets the layer's row.
  if (::fsync(layers_fd.get()) != 0) return fail_errno(errno, "fsync {}", paths_.layers().string());
  if (auto removed = remove_tree(tmp_fd.get(), doomed); !removed)
    return with_context(std::move(removed), fmt::format("remove layer {}", chain));
  lock.release_and_remove();
  return {};
}

Result<std::vector<Digest>> LayerStore::list() const {
  BERTH_ASSIGN(UniqueFd layers_fd, open_directory(paths_.layers()));
  BERTH_ASSIGN(auto names, list_names(layers_fd.get(), paths_.layers()));
  std::vector<Digest> chains;
  for (const auto& name : names)
    if (auto chain = chain_from_name(name)) chains.push_back(std::move(*chain));
  std::sort(chains.begin(), chains.end());
  return chains;
}

Result<uint64_t> LayerStore::disk_usage(const Digest& chain) const {
  if (chain.empty()) return fail("layer disk usage: empty chain id");
  BERTH_ASSIGN(UniqueFd layers_fd, open_directory(paths_.layers()));
  std::string name(chain.hex());
  struct stat info {};
  if (::fstatat(layers_fd.get(), name.c_str(), &info, AT_SYMLINK_NOFOLLOW) != 0)
    return fail_errno(errno, "layer {}", chain);
  return tree_disk_usage(layers_fd.get(), name);
}

Result<LayerStore::StaleTemporaries> LayerStore::remove_stale_temporaries() {
  BERTH_ASSIGN(UniqueFd tmp_fd, open_directory(paths_.layers_tmp()));
  BERTH_ASSIGN(auto names, list_names(tmp_fd.get(), paths_.layers_tmp()));
  StaleTemporaries removed;
  for (const auto& name : names) {
    // Writers and removers hold the chain lock for as long as their entry
    // exists (begin() takes it before mkdtemp, commit()/remove() release it
    // after the rename or delete), so a free lock means a dead owner.
    std::optional<FileLock> lock;
    auto dash = name.find('-');
    if (dash != std::string::npos && chain_from_name(std::string_view(name).substr(0, dash))) {
      BERTH_ASSIGN(lock, FileLock::try_acquire(lock_path(std::string_view(name).substr(0, dash))));
      if (!lock) continue;
    }
    uint64_t bytes = tree_disk_usage(tmp_fd.get(), name).value_or(0);
    auto status = remove_tree(tmp_fd.get(), name);
    if (lock) lock->release_and_remove();
    if (!status) return with_context(std::move(status), "remove stale layer temporary");
    removed.directories += 1;
    removed.bytes += bytes;
  }
  return removed;
}

}  // namespace berth::store
