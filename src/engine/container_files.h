// Files the engine keeps for a container: /etc/hostname, /etc/hosts and
// /etc/resolv.conf as bound into it; reads from the image's layers before
// any rootfs is mounted; removal of a container's directories.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "engine/container_paths.h"

namespace berth {

// hostname, hosts and resolv.conf for the container. With the host's
// network the container sees the host's own hosts and resolv.conf.
Status write_container_files(const ContainerPaths& paths, const std::string& hostname, bool host_network);

// A file of the image as the container will see it: the topmost layer that
// has the path wins; a whiteout (0/0 char device) there hides it.
// `layers` are diff dirs, topmost first. Resolution stays inside each layer.
Result<std::optional<std::string>> read_file_from_layers(const std::vector<std::filesystem::path>& layers,
                                                         std::string_view path);

// Removes a file or directory tree; a missing path is fine. Never follows a symlink.
Status remove_path(const std::filesystem::path& path);

}  // namespace berth
