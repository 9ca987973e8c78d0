#include "store/garbage_collect.h"

#include <fcntl.h>
#include <sys/file.h>

#include <set>

#include "base/remove_tree.h"
#include "store/disk_usage.h"

namespace berth::store {

namespace {

std::filesystem::path gc_lock_path(const StorePaths& paths) { return paths.locks() / "gc"; }

// Directory first, row after: a crash in between leaves a row without a
// directory, which the next gc (or a pull, re-extracting it) repairs.
Status remove_layer(MetadataStore& metadata, LayerStore& layers, const Digest& chain, GcReport& report) {
  if (layers.contains(chain)) report.bytes_reclaimed += layers.disk_usage(chain).value_or(0);
  BERTH_TRY(layers.remove(chain));
  BERTH_TRY(metadata.remove_layer_record(chain));
  report.layers.push_back(chain);
  return {};
}

Status remove_blob(ContentStore& content, const Digest& blob, GcReport& report) {
  uint64_t size = content.blob_size(blob).value_or(0);
  BERTH_TRY(content.remove_blob(blob));
  report.bytes_reclaimed += size;
  report.blobs.push_back(blob);
  return {};
}

// tmp/ holds the staging directories of loads, imports and commits, each
// flock'ed by its owner while it lives (engine/staging_dir.h): one whose
// lock is free was left by a killed process.
Status remove_abandoned_staging(const StorePaths& paths, GcReport& report) {
  UniqueFd tmp(::open(paths.tmp().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!tmp) return errno == ENOENT ? Status{} : fail_errno(errno, "open {}", paths.tmp().string());
  std::error_code error;
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(paths.tmp(), error))
    names.push_back(entry.path().filename().string());
  if (error) return fail("list {}: {}", paths.tmp().string(), error.message());
  for (const auto& name : names) {
    UniqueFd dir(::openat(tmp.get(), name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!dir || ::flock(dir.get(), LOCK_EX | LOCK_NB) != 0) continue;  // not a directory, or in use
    uint64_t bytes = tree_disk_usage(tmp.get(), name).value_or(0);
    if (!remove_tree(tmp.get(), name)) continue;  // what stays is tried again next time
    report.staging_dirs += 1;
    report.bytes_reclaimed += bytes;
  }
  return {};
}

}  // namespace

Result<FileLock> pull_guard(const StorePaths& paths) {
  return FileLock::acquire(gc_lock_path(paths), LockMode::shared);
}

Result<GcReport> collect_garbage(MetadataStore& metadata, ContentStore& content, LayerStore& layers,
                                 const GcOptions& options) {
  BERTH_ASSIGN(FileLock lock, FileLock::acquire(gc_lock_path(layers.paths()), LockMode::exclusive));
  GcReport report;

  BERTH_ASSIGN(auto live_layers, metadata.referenced_layers());
  std::set<Digest> live(live_layers.begin(), live_layers.end());
  std::set<Digest> dead;
  BERTH_ASSIGN(auto on_disk, layers.list());
  for (const auto& chain : on_disk)
    if (!live.contains(chain)) dead.insert(chain);
  BERTH_ASSIGN(auto unreferenced_rows, metadata.unreferenced_layers());
  dead.insert(unreferenced_rows.begin(), unreferenced_rows.end());
  for (const auto& chain : dead)
    if (auto removed = remove_layer(metadata, layers, chain, report); !removed)
      return with_context(std::move(removed), fmt::format("gc: layer {}", chain));

  // Blob references are read after the layer rows are gone: a blob kept only
  // by a dead layer is dead too.
  BERTH_ASSIGN(auto live_blob_list, metadata.referenced_blobs());
  std::set<Digest> live_blobs(live_blob_list.begin(), live_blob_list.end());
  BERTH_ASSIGN(auto blobs, content.list_blobs());
  for (const auto& blob : blobs)
    if (!live_blobs.contains(blob))
      if (auto removed = remove_blob(content, blob, report); !removed)
        return with_context(std::move(removed), fmt::format("gc: blob {}", blob));

  BERTH_ASSIGN(auto temporaries, layers.remove_stale_temporaries());
  report.layer_temporaries = temporaries.directories;
  report.bytes_reclaimed += temporaries.bytes;
  BERTH_TRY(remove_abandoned_staging(layers.paths(), report));
  BERTH_ASSIGN(auto ingests, content.remove_stale_ingests(options.ingest_min_age));
  report.ingests = ingests.files;
  report.bytes_reclaimed += ingests.bytes;
  return report;
}

Result<GcReport> delete_unreferenced(MetadataStore& metadata, ContentStore& content, LayerStore& layers,
                                     const MetadataStore::Removed& removed, LockWait wait) {
  GcReport report;
  if (removed.layers.empty() && removed.blobs.empty()) return report;
  auto lock_path = gc_lock_path(layers.paths());
  std::optional<FileLock> lock;
  if (wait == LockWait::wait) {
    BERTH_ASSIGN(lock, FileLock::acquire(lock_path, LockMode::exclusive));
  } else {
    BERTH_ASSIGN(lock, FileLock::try_acquire(lock_path, LockMode::exclusive));
    if (!lock) {
      report.deferred = true;
      return report;
    }
  }
  for (const auto& chain : removed.layers) {
    BERTH_ASSIGN(int users, metadata.layer_reference_count(chain));
    if (users == 0) BERTH_TRY(remove_layer(metadata, layers, chain, report));
  }
  for (const auto& blob : removed.blobs) {
    BERTH_ASSIGN(bool referenced, metadata.blob_referenced(blob));
    if (!referenced) BERTH_TRY(remove_blob(content, blob, report));
  }
  return report;
}

}  // namespace berth::store
