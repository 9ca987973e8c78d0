// Extracting one uncompressed layer tarball into a directory that becomes an
// overlayfs lowerdir.
//
// The tarball is hostile until proven otherwise. What extract_layer does:
// - Entry names are cleaned lexically ("a/./b//c" is "a/b/c"; a leading "/"
//   is dropped, so absolute names are relative to the layer root). A name
//   whose ".." would climb above the root is rejected, not clamped: such a
//   tarball was made to attack, and an error says so.
// - Every parent directory is resolved inside the layer with
//   openat2(RESOLVE_IN_ROOT): a symlink in the layer ("link -> /etc") that a
//   later entry writes through ("link/passwd") lands inside the layer
//   (layer/etc/passwd), as it would under Docker's chrooted untar. Nothing is
//   ever created, changed or followed outside layer_dir_fd.
// - The entry itself is created with *at() calls on that parent fd; an
//   existing non-directory (or a directory, when the entry is not one) is
//   removed first, so a final-component symlink is replaced, never followed.
//   Ownership, mode, xattrs and times go through the entry's own fd or with
//   AT_SYMLINK_NOFOLLOW (CVE-2021-32760).
// - Hard link targets are resolved in the layer too; a target that escapes
//   the root or does not exist in the layer is an error naming both.
// - ".wh.NAME" becomes a 0/0 character device NAME, ".wh..wh..opq" the xattr
//   trusted.overlay.opaque="y" on its directory; other ".wh..wh.*" names (AUFS
//   bookkeeping such as .wh..wh.plnk) and everything under them are skipped.
// - Xattrs from pax headers: security.capability, user.* and trusted.* are
//   applied (trusted.overlay.* excepted: overlay state is only expressed by
//   whiteouts, never smuggled in by a header); the rest (security.selinux,
//   system.posix_acl_*...) is skipped: labels and ACLs belong to the host.
//   Symlinks and device nodes get no xattrs (Linux has no fd-relative,
//   no-follow setxattr before 6.13). Skipped or refused xattrs are counted.
// - Directory times are set at the end, after their contents were written.
// - Regular files are written by worker threads while the tar stream is
//   read on (ExtractOptions::file_workers). An entry that depends on a file
//   still queued (same path, a path under it or above it, a hard link to it)
//   waits for the queue to empty first, so the result is the same as writing
//   one entry after the other.
// - Nothing is fsynced: the caller syncs the filesystem once.
// The caller extracts into a fresh temporary directory and renames it when
// done, so a failure may leave a partly written directory behind.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <utility>

#include "base/digest.h"
#include "base/result.h"
#include "image/byte_stream.h"

namespace berth {

struct ExtractOptions {
  // Give entries the uid/gid of the tar header (else they belong to us).
  bool preserve_ownership = true;
  // With preserve_ownership: every entry gets this uid/gid instead of the
  // header's (docker cp -a into a container with a User).
  std::optional<std::pair<uid_t, gid_t>> owner;
  // Threads that write regular files: -1 is one per core (at most 4), 0
  // writes everything on the calling thread.
  int file_workers = -1;
  // Turn ".wh." entries into overlay whiteouts (a layer); false extracts
  // them as the plain files they are (docker cp).
  bool apply_whiteouts = true;
  // An entry that is not a directory replaces a directory of its name (a
  // layer); false refuses, naming it (docker cp never deletes a directory).
  bool replace_directories = true;
};

struct ExtractResult {
  Digest diff_id;               // sha256 of the whole uncompressed stream, end-of-archive padding included
  uint64_t tar_size = 0;        // bytes in that stream
  uint64_t entries = 0;         // tar headers read (whiteouts and skipped names included)
  uint64_t xattrs_skipped = 0;  // xattrs not applied: outside the allowed set, or refused by the filesystem
};

// Reads an uncompressed tar stream (ustar, pax or GNU) to its very end and
// writes it into the directory layer_dir_fd. Errors name the entry, e.g.
// `layer entry "a/../../etc/passwd": path escapes the layer root`.
Result<ExtractResult> extract_layer(ByteSource& tar_stream, int layer_dir_fd, const ExtractOptions& options = {});

}  // namespace berth
