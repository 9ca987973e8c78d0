#include "engine/staged_layer.h"

#include <fcntl.h>
#include <unistd.h>

#include "engine/layer_ingest.h"
#include "image/compression.h"

namespace berth {

namespace {

Result<UniqueFd> create_staged(int dir_fd, const char* name) {
  UniqueFd fd(::openat(dir_fd, name, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
  if (!fd) return fail_errno(errno, "create staged {}", name);
  return fd;
}

}  // namespace

Result<std::unique_ptr<StagedLayer>> StagedLayer::create(const StorePaths& paths, std::string_view purpose) {
  BERTH_ASSIGN(StagingDir staging, StagingDir::create(paths.tmp(), purpose));
  BERTH_ASSIGN(UniqueFd tar_fd, create_staged(staging.fd(), "layer.tar"));
  BERTH_ASSIGN(UniqueFd gzip_fd, create_staged(staging.fd(), "layer.tar.gz"));
  std::unique_ptr<StagedLayer> layer(new StagedLayer(std::move(staging), std::move(tar_fd), std::move(gzip_fd)));
  BERTH_ASSIGN(layer->gzip_, open_gzip_compressor(layer->gzip_hash_));
  return layer;
}

StagedLayer::StagedLayer(StagingDir staging, UniqueFd tar_fd, UniqueFd gzip_fd)
    : staging_(std::move(staging)),
      tar_file_(std::move(tar_fd)),
      tar_hash_(tar_file_),
      gzip_file_(std::move(gzip_fd)),
      gzip_hash_(gzip_file_) {}

Status StagedLayer::write(std::span<const std::byte> data) {
  BERTH_TRY(tar_hash_.write(data));
  return gzip_->write(data);
}

Result<StoredLayer> StagedLayer::store(LocalImageService& service, const std::optional<Digest>& parent_chain) {
  BERTH_TRY(gzip_->close());
  StoredLayer stored;
  stored.diff_id = tar_hash_.digest();
  stored.blob_digest = gzip_hash_.digest();
  stored.blob_size = gzip_hash_.bytes();
  stored.chain = chain_id(parent_chain, stored.diff_id);
  {
    UniqueFd staged(::openat(staging_.fd(), "layer.tar.gz", O_RDONLY | O_CLOEXEC));
    if (!staged) return fail_errno(errno, "reopen the staged blob");
    BERTH_TRY(ingest_staged_file(service.content(), staged.get(), stored.blob_digest));
  }
  LocalImageService::LayerInput input{.diff_id = stored.diff_id,
                                      .parent_chain = parent_chain,
                                      .blob_digest = stored.blob_digest,
                                      .blob_media_type = std::string(media_type::oci_layer_gzip),
                                      .blob_size = stored.blob_size};
  UniqueFd staged(::openat(staging_.fd(), "layer.tar", O_RDONLY | O_CLOEXEC));
  if (!staged) return fail_errno(errno, "reopen the staged layer");
  FdSource source(staged.get());
  BERTH_TRY(store_layer_from_source(service, source, LayerCompression::none, input, stored.chain));
  return stored;
}

}  // namespace berth
