// An image's layers as one read-only tree, for reading what the image holds
// (copy-up into volumes, `diff`): a single layer is its own directory;
// several are an overlay that is never attached to any mount namespace
// (fsmount returns a detached mount, freed with its fd), so nothing is left
// mounted if berth dies.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "base/result.h"
#include "base/unique_fd.h"

namespace berth {

struct ImageView {
  UniqueFd mount;    // the detached overlay, when there are several layers
  std::string path;  // the tree's root: a directory or /proc/self/fd/N
};

// `layers`: the image's layer directories, topmost first.
Result<ImageView> open_image_view(const std::vector<std::filesystem::path>& layers);

// A stopped container's tree, writable: its upper dir over the image's
// layers, as detached as the read-only view. The caller holds the
// container's lock, so no other overlay uses `upper` meanwhile.
struct WritableLayer {
  std::filesystem::path upper, work;
};
Result<ImageView> open_writable_view(const std::vector<std::filesystem::path>& layers, const WritableLayer& top);

}  // namespace berth
