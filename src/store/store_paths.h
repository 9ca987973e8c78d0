// Where the image store keeps its files. The root is always passed in (no
// globals), so tests and parallel roots never share state.
#pragma once

#include <filesystem>

#include "base/result.h"

namespace berth::store {

struct StorePaths {
  std::filesystem::path root;     // --root, default /var/lib/berth
  std::filesystem::path runroot;  // --runroot, default /run/berth (tmpfs)

  std::filesystem::path database() const { return root / "berth.db"; }
  std::filesystem::path blobs() const { return root / "blobs" / "sha256"; }   // <hex>: verified content
  std::filesystem::path ingest() const { return root / "blobs" / "ingest"; }  // <hex>.partial, *.tmp
  std::filesystem::path layers() const { return root / "layers"; }            // <chain-hex>/diff
  std::filesystem::path layers_tmp() const { return root / "layers" / ".tmp"; }
  std::filesystem::path locks() const { return root / "locks"; }
  std::filesystem::path tmp() const { return root / "tmp"; }
};

// mkdir -p of every store directory. The root is made 0700 (also when it
// already exists): layer trees hold images' setuid binaries and device-less
// copies of their files, which no unprivileged user may reach.
Status prepare_store_dirs(const StorePaths& paths);

}  // namespace berth::store
