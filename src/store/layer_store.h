// The layer store: unpacked layers (overlay lowerdirs) under
// <root>/layers/<chain-hex>/diff. A layer is written in layers/.tmp/ and
// renamed into place once complete, so a directory named by a chain id is
// always a whole layer; removal renames it back into .tmp first.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "base/digest.h"
#include "base/result.h"
#include "base/unique_fd.h"
#include "store/file_lock.h"
#include "store/store_paths.h"

namespace berth::store {

// OCI image spec: chain(L1) = diffid(L1); chain(Ln) = sha256(chain(Ln-1) + " " + diffid(Ln)).
Digest chain_id(const std::optional<Digest>& parent_chain, const Digest& diff_id);

class LayerStore {
 public:
  explicit LayerStore(StorePaths paths);

  bool contains(const Digest& chain) const;
  std::filesystem::path layer_path(const Digest& chain) const;  // layers/<hex>
  std::filesystem::path diff_path(const Digest& chain) const;   // layers/<hex>/diff

  // A layer being written. Holds the chain's lock until committed or dropped.
  class Pending {
   public:
    Pending(Pending&&) noexcept = default;
    Pending& operator=(Pending&&) noexcept;
    ~Pending();  // an uncommitted layer is deleted (a failed extraction leaves nothing)

    const Digest& chain() const { return chain_; }
    int dir_fd() const { return diff_fd_.get(); }  // the diff/ directory to extract into
    const std::filesystem::path& path() const { return diff_path_; }
    // syncfs() once for the whole tree (cheaper than an fsync per file), rename
    // into layers/<hex>, fsync layers/. If the chain is already there, ours is
    // dropped and that is success.
    Status commit();

   private:
    friend class LayerStore;
    Pending() = default;
    void abandon();

    Digest chain_;
    std::filesystem::path layers_dir_;
    std::string temporary_name_;  // in layers/.tmp: "<chain-hex>-<random>"
    std::filesystem::path diff_path_;
    UniqueFd tmp_dir_fd_;  // layers/.tmp
    UniqueFd diff_fd_;
    FileLock lock_;
  };

  // Starts writing a layer, holding locks/layer-<hex> throughout, so a second
  // process pulling the same layer waits, then finds it and skips it
  // (disengaged result: the layer already exists).
  Result<std::optional<Pending>> begin(const Digest& chain);

  // Renames the layer into .tmp (so a half-removed layer never looks
  // complete), then deletes it. A missing layer is success.
  Status remove(const Digest& chain);
  Result<std::vector<Digest>> list() const;
  Result<uint64_t> disk_usage(const Digest& chain) const;

  struct StaleTemporaries {
    uint64_t directories = 0;
    uint64_t bytes = 0;
  };
  // Deletes .tmp entries whose chain lock is free: their writer (or remover)
  // died. An entry whose name is not ours is deleted too: only we write there.
  Result<StaleTemporaries> remove_stale_temporaries();

  const StorePaths& paths() const { return paths_; }

 private:
  std::filesystem::path lock_path(std::string_view chain_hex) const;

  StorePaths paths_;
};

}  // namespace berth::store
