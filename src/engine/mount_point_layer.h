// The runtime's mount points as a read-only layer of their own, one per
// image: /proc, /sys and /dev, and /etc/hosts, /etc/hostname and
// /etc/resolv.conf, where the image has none. It sits between the image's
// layers and the container's upper dir. Without it the container's init
// makes them in the upper dir at every start: six inodes made (and freed
// again by removal) on the store's disk per run, ~0.2 ms of a `run --rm`
// here. dockerd's per-container init layer holds the same entries, so
// `export` shows them whether or not the container ever ran.
#pragma once

#include <filesystem>
#include <optional>
#include <vector>

#include "base/digest.h"
#include "base/result.h"

namespace berth {

// <root>/mountpoints/<image id hex>.
std::filesystem::path mount_point_layer_path(const std::filesystem::path& root, const Digest& image_id);

// The layer at `layer`, made from `image_layers` (diff dirs, topmost first)
// if it is not there yet (atomically: a concurrent maker's layer is as good).
// An entry is made only where the image's merged view has nothing at that
// path (or a whiteout hides it), and a file under /etc only where the
// image's /etc is a directory or absent: anything else is left to the
// runtime, as before.
Result<std::filesystem::path> ensure_mount_point_layer(const std::filesystem::path& layer,
                                                       const std::vector<std::filesystem::path>& image_layers);

// The layer when it exists, without making it.
std::optional<std::filesystem::path> existing_mount_point_layer(const std::filesystem::path& layer);

}  // namespace berth
