// Where the filesystem puts the inodes of a new directory tree.
//
// ext4 places a new directory near its parent and every file in its
// parent's inode group, so one layer after another lands in the same few
// groups. Without a journal, ext4 will not reuse an inode freed in the last
// 5 minutes (300 s while its inode-table block is dirty) and re-checks every
// such inode it passes on each allocation, starting from the group's first
// inode: after an `rmi` of a large layer, every file created nearby pays for
// a scan over thousands of freed inodes (measured here: 1.2 s of kernel time
// for a 6,675-file layer, against 0.2 s in an untouched group).
//
// FS_TOPDIR_FL ("top of directory hierarchies", chattr +T) tells ext4's Orlov
// allocator to treat the directory like the filesystem root: each
// subdirectory starts in a lightly used group of its own, and its tree
// follows it there. Layers are unrelated trees, so that is where they belong.
#pragma once

#include "base/result.h"

namespace berth::store {

// Sets FS_TOPDIR_FL on the directory if it is not set. Filesystems without
// the flag (tmpfs, overlayfs, xfs...) answer ENOTTY/EOPNOTSUPP/EINVAL;
// callers treat any error as "nothing to tune".
Status spread_subdirectories(int directory_fd);

}  // namespace berth::store
