// One layer of a pull: download, verify, decompress and extract at once.
#pragma once

#include "engine/local_image_service.h"
#include "image/byte_stream.h"

namespace berth {

class LayerIngest {
 public:
  LayerIngest(LocalImageService& service, RegistryClient& registry, const ImageReference& repository,
              const TransferProgress& progress)
      : service_(service), registry_(registry), repository_(repository), progress_(progress) {}

  // Returns false when another process finished the same layer meanwhile.
  Result<bool> fetch_and_extract(const LocalImageService::LayerInput& input, const Digest& chain,
                                 const Descriptor& blob);

 private:
  LocalImageService& service_;
  RegistryClient& registry_;
  const ImageReference& repository_;
  const TransferProgress& progress_;
};

// Extracts a layer from an uncompressed or compressed tar source into the
// layer store under `chain`, verifying its diff id; records it. Used by pull
// (for blobs already in the content store), load and import.
Result<LayerRecord> store_layer_from_source(LocalImageService& service, ByteSource& source,
                                            std::optional<LayerCompression> compression,
                                            const LocalImageService::LayerInput& input, const Digest& chain);

}  // namespace berth
