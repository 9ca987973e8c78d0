#include "engine/container_files.h"

#include <fcntl.h>
#include <sys/stat.h>

#include "base/file_io.h"
#include "base/path_in_root.h"
#include "base/remove_tree.h"
#include "base/unique_fd.h"
#include "image/whiteout.h"

namespace berth {

Status write_container_files(const ContainerPaths& paths, const std::string& hostname, bool host_network) {
  BERTH_TRY(write_file_atomic(paths.hostname().string(), hostname + "\n", 0644, Durability::until_reboot));
  std::string hosts;
  std::string resolv;
  if (host_network) {
    hosts = read_file("/etc/hosts").value_or("");
  } else {
    // Docker's lines for a container with its own network namespace.
    hosts = fmt::format(
        "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\n"
        "ff00::0\tip6-mcastprefix\nff02::1\tip6-allnodes\nff02::2\tip6-allrouters\n127.0.1.1\t{}\n",
        hostname);
  }
  resolv = read_file("/etc/resolv.conf").value_or("");
  BERTH_TRY(write_file_atomic(paths.hosts().string(), hosts, 0644, Durability::until_reboot));
  return write_file_atomic(paths.resolv_conf().string(), resolv, 0644, Durability::until_reboot);
}

Result<std::optional<std::string>> read_file_from_layers(const std::vector<std::filesystem::path>& layers,
                                                         std::string_view path) {
  for (const auto& layer : layers) {
    UniqueFd root(::open(layer.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!root) return fail_errno(errno, "open layer {}", layer.string());
    auto file = open_in_root(root.get(), path, O_PATH | O_NOFOLLOW);
    if (!file) {
      int err = file.error().errno_value;
      if (err == ENOENT || err == ENOTDIR) continue;
      return std::unexpected(std::move(file.error()));
    }
    struct stat st {};
    if (::fstat(file->get(), &st) != 0) return fail_errno(errno, "stat {}", path);
    if (is_overlay_whiteout(st)) return std::nullopt;
    if (!S_ISREG(st.st_mode)) return std::nullopt;
    if (st.st_size > (16 << 20)) return fail("{} in the image is larger than 16 MiB", path);
    UniqueFd readable(::open(fd_path(file->get()).c_str(), O_RDONLY | O_CLOEXEC));
    if (!readable) return fail_errno(errno, "open {}", path);
    std::string content;
    char buffer[65536];
    for (;;) {
      ssize_t got = ::read(readable.get(), buffer, sizeof buffer);
      if (got < 0 && errno == EINTR) continue;
      if (got < 0) return fail_errno(errno, "read {}", path);
      if (got == 0) break;
      content.append(buffer, static_cast<size_t>(got));
    }
    return content;
  }
  return std::nullopt;
}

Status remove_path(const std::filesystem::path& path) {
  UniqueFd parent(::open(path.parent_path().c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!parent) {
    if (errno == ENOENT) return {};
    return fail_errno(errno, "open {}", path.parent_path().string());
  }
  return remove_tree(parent.get(), path.filename().string());
}

}  // namespace berth
