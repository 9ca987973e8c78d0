// Garbage collection: deleting layers and blobs no image references, and
// what crashed or abandoned writers left behind.
//
// The race it must not lose: a pull commits a layer directory (and blobs)
// first and writes the image row that references them last. A gc in
// between would see them unreferenced. So every operation that puts objects
// in the store before the row that keeps them (pull, load, build, commit)
// holds pull_guard() — a shared flock on locks/gc — from its first
// begin()/begin_ingest() until put_image() has committed; gc takes the same
// lock exclusively, and re-reads references under it.
#pragma once

#include <chrono>
#include <cstdint>
#include <vector>

#include "base/digest.h"
#include "base/result.h"
#include "store/content_store.h"
#include "store/file_lock.h"
#include "store/layer_store.h"
#include "store/metadata_store.h"
#include "store/store_paths.h"

namespace berth::store {

// Shared: many pulls at once; waits while a gc runs.
Result<FileLock> pull_guard(const StorePaths& paths);

struct GcOptions {
  // A partial download untouched this long (and not locked by a running
  // pull) is abandoned; younger ones are kept so a retried pull resumes them.
  std::chrono::seconds ingest_min_age = std::chrono::hours(1);
};

struct GcReport {
  std::vector<Digest> layers;  // layers whose directory and/or row were removed
  std::vector<Digest> blobs;
  uint64_t layer_temporaries = 0;  // crash leftovers in layers/.tmp
  uint64_t staging_dirs = 0;       // tmp/ directories of killed loads, imports and commits
  uint64_t ingests = 0;            // abandoned partial downloads and temporaries
  uint64_t bytes_reclaimed = 0;
  bool deferred = false;  // delete_unreferenced: a pull was running, gc will do it
};

// Removes unreferenced layer directories and rows, unreferenced blobs, stale
// layer temporaries and stale ingests. Waits for running pulls.
Result<GcReport> collect_garbage(MetadataStore& metadata, ContentStore& content, LayerStore& layers,
                                 const GcOptions& options = {});

enum class LockWait { wait, skip_if_busy };

// After remove_image(): deletes from disk what it reported, re-checking each
// under the exclusive gc lock (a pull may have started using a layer again
// meanwhile). With skip_if_busy, a running pull defers everything to the next
// gc (report.deferred) instead of making `rmi` wait for it.
Result<GcReport> delete_unreferenced(MetadataStore& metadata, ContentStore& content, LayerStore& layers,
                                     const MetadataStore::Removed& removed, LockWait wait);

}  // namespace berth::store
