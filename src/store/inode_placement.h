// Where the filesystem puts the inodes of a new directory tree.
//
// ext4 places a new directory near its parent and every file in its
// parent's inode group, so one layer after another lands in the same few
// groups. Without a journal, ext4 prefers not to reuse an inode freed in the
// last 60 s (360 s while its inode-table block is dirty, as our own creates
// make it) and re-checks every such inode it passes on each allocation,
// starting from the group's first inode: after an `rmi` of a large layer,
// every file created nearby pays for a scan over thousands of freed inodes
// (measured here: 1.2 s of kernel time for a 6,675-file layer, against
// 0.2 s in an untouched group).
//
// FS_TOPDIR_FL ("top of directory hierarchies", chattr +T) tells ext4's Orlov
// allocator to treat the directory like the filesystem root: each
// subdirectory starts in the flex group with the fewest directories among
// those with at least average free inodes and blocks, searched from a hash
// of its name, and its tree follows it there. On a large, mostly empty disk
// that is usually a group untouched by the last removal; on a small one it
// may be the group the removal just emptied, and the scan comes back.
// Layers are unrelated trees, so spreading them costs nothing.
#pragma once

#include "base/result.h"

namespace berth::store {

// Sets FS_TOPDIR_FL on the directory if it is not set. Filesystems that do
// not take it answer ENOTTY/EOPNOTSUPP/EINVAL (or keep it without effect);
// callers treat any error as "nothing to tune".
Status spread_subdirectories(int directory_fd);

}  // namespace berth::store
