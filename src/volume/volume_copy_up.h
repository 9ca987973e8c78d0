// Copying an image's content into a new, empty volume mounted over it
// ("copy up", as Docker does for `-v NAME:/path` on a path the image fills).
//
// Hand-written rather than a library call: the copy must resolve every name
// through directory fds, never a path string, so that a symlink in the image
// or one planted in the volume can never make it read or write outside
// either tree (CVE-2022-23648). The source directory is found in the rootfs
// with openat2(RESOLVE_IN_ROOT); below it, and in the volume, each step is
// openat() of one name with O_NOFOLLOW, and every file is created with
// O_CREAT|O_EXCL, which fails rather than follow anything already there.
#pragma once

#include <string_view>

#include "base/result.h"

namespace berth::volume {

// Copies everything below source_dir_fd into dest_dir_fd: directories,
// regular files (content, owner, mode incl. setuid, xattrs, times),
// symlinks as symlinks (never followed), device nodes, fifos and sockets;
// hard links become separate copies. Fails, without writing through it, when
// a name already exists at the destination. Trees deeper than 256 levels are
// refused.
Status copy_directory_contents(int source_dir_fd, int dest_dir_fd);

// Owner, mode, xattrs and times of one directory onto another (Docker gives
// the volume's root the image directory's).
Status copy_directory_attributes(int source_dir_fd, int dest_dir_fd);

// Whether the directory holds no entries besides "." and "..".
Result<bool> directory_is_empty(int dir_fd);

// The copy-up itself: when `path_in_container` names a directory in the
// rootfs (resolved inside it) and the volume directory is empty, copies the
// directory's contents and attributes in. Returns whether it copied.
Result<bool> copy_up_into(int rootfs_fd, std::string_view path_in_container, int volume_dir_fd);

}  // namespace berth::volume
