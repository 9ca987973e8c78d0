// Entry names of a layer tarball: checked and cleaned before anything touches
// the disk. Pure string work, so every rule is unit-tested without a tarball.
#pragma once

#include <string>
#include <string_view>

#include "base/result.h"

namespace berth {

// Cleans a tar entry name (or hard link target) into a path relative to the
// layer root: "a/b/c", or "" for the root itself. A leading "/" is dropped,
// "." and empty components vanish, ".." removes the component before it.
// Fails when ".." would climb above the root, when the name is PATH_MAX bytes
// or longer, or when a component exceeds NAME_MAX.
Result<std::string> clean_entry_name(std::string_view name);

// "a/b" of "a/b/c", "" of "c". `path` is a cleaned, non-empty path.
std::string_view parent_path(std::string_view path);
// "c" of "a/b/c".
std::string_view base_name(std::string_view path);

// The name quoted for an error message, shortened when very long (a hostile
// name can be megabytes).
std::string quote_entry_name(std::string_view name);

}  // namespace berth
