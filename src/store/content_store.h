// The content store: blobs (manifests, configs, compressed layers) named by
// their verified digest under <root>/blobs/sha256/<hex>. A file there is
// complete by construction: everything is written elsewhere (blobs/ingest),
// fsynced, checked against its digest, and only then renamed into place.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/digest.h"
#include "base/result.h"
#include "base/unique_fd.h"
#include "store/store_paths.h"

namespace berth::store {

class ContentStore {
 public:
  explicit ContentStore(StorePaths paths);

  bool contains(const Digest& digest) const;
  std::filesystem::path blob_path(const Digest& digest) const;
  // Whole small blob (manifest, config), checked against its digest, so a
  // corrupted file on disk is an error instead of a wrong image.
  Result<std::string> read_blob(const Digest& digest, size_t max_bytes) const;
  Result<UniqueFd> open_blob(const Digest& digest) const;
  Result<uint64_t> blob_size(const Digest& digest) const;
  // Temporary file, fsync, verify, rename, fsync dir. Writing a blob that is
  // already there is success. With `expected`, data of another digest is
  // refused and nothing is written.
  Result<Digest> write_blob(std::string_view data, std::optional<Digest> expected = {});

  // Streaming ingest of one large blob, resumable across processes: bytes go
  // to blobs/ingest/<hex>.partial, which never looks like a complete blob.
  class Ingest {
   public:
    Ingest(Ingest&&) noexcept;
    Ingest& operator=(Ingest&&) noexcept;
    ~Ingest();  // keeps the partial file (for a later resume), releases the lock

    const Digest& expected() const { return expected_; }
    uint64_t offset() const { return offset_; }  // bytes present and hashed: where to resume
    Status write(std::span<const std::byte> data);
    Status write(std::string_view data) { return write(std::as_bytes(std::span(data.data(), data.size()))); }
    // fsync, size and digest check, rename into blobs/sha256, fsync dir. On a
    // mismatch the partial is deleted ("digest mismatch: expected sha256:…,
    // got sha256:…"). The ingest is finished either way.
    Result<Digest> commit();
    void discard();  // deletes the partial

   private:
    friend class ContentStore;
    struct State;
    explicit Ingest(std::unique_ptr<State> state);
    void finish(bool delete_partial);

    Digest expected_;
    uint64_t offset_ = 0;
    std::unique_ptr<State> state_;
  };

  // Opens the ingest of `expected`, or resumes it: an existing partial is
  // re-hashed so offset() says where to continue. Holds locks/ingest-<hex>
  // (waiting for it), so two processes never append to one partial; when
  // the lock is granted because the other one completed the blob, or the blob
  // is already stored, the result is disengaged: nothing to do.
  // expected_size 0 means unknown; otherwise more data is refused and a
  // partial longer than it is started over.
  Result<std::optional<Ingest>> begin_ingest(const Digest& expected, uint64_t expected_size);

  Status remove_blob(const Digest& digest);
  Result<std::vector<Digest>> list_blobs() const;

  struct StaleIngests {
    uint64_t files = 0;
    uint64_t bytes = 0;
  };
  // Removes partial ingests not touched for `min_age` whose lock is free
  // (an abandoned download), and write_blob temporaries as old (a crash).
  Result<StaleIngests> remove_stale_ingests(std::chrono::seconds min_age);

  const StorePaths& paths() const { return paths_; }

 private:
  std::filesystem::path partial_path(const Digest& digest) const;
  std::filesystem::path ingest_lock_path(const Digest& digest) const;

  StorePaths paths_;
};

}  // namespace berth::store
