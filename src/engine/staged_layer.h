// A new layer written as a tar stream (import, commit): the stream is hashed
// for its diff id and gzipped into a staged blob (hashed for the blob digest)
// as it comes, so it is read or made only once; store() then puts the blob
// in the content store and the extracted layer in the layer store.
#pragma once

#include <memory>
#include <optional>

#include "engine/local_image_service.h"
#include "engine/staging_dir.h"
#include "image/byte_stream.h"

namespace berth {

struct StoredLayer {
  Digest diff_id;
  Digest chain;
  Digest blob_digest;
  uint64_t blob_size = 0;
};

class StagedLayer final : public ByteSink {
 public:
  // `purpose` names the staging dir ("import", "commit").
  static Result<std::unique_ptr<StagedLayer>> create(const StorePaths& paths, std::string_view purpose);

  Status write(std::span<const std::byte> data) override;
  uint64_t tar_bytes() const { return tar_hash_.bytes(); }
  // Ends the stream and adds the layer on top of `parent_chain`. The caller
  // holds the store's pull guard, so the blob is not collected before an
  // image refers to it.
  Result<StoredLayer> store(LocalImageService& service, const std::optional<Digest>& parent_chain);

 private:
  StagedLayer(StagingDir staging, UniqueFd tar_fd, UniqueFd gzip_fd);

  StagingDir staging_;
  FdSink tar_file_;
  HashingSink tar_hash_;
  FdSink gzip_file_;
  HashingSink gzip_hash_;
  std::unique_ptr<ByteSink> gzip_;
};

}  // namespace berth
