// Volume names as Docker's local driver accepts them, and the random names
// anonymous volumes get. A name becomes a directory under <root>/volumes, so
// nothing that could be a path ("..", "/x", "a/b") ever passes.
#pragma once

#include <string>
#include <string_view>

#include "base/result.h"

namespace berth::volume {

// Docker's pattern for local volume names (names.RestrictedNameChars).
inline constexpr std::string_view kVolumeNameChars = "[a-zA-Z0-9][a-zA-Z0-9_.-]";
// Longer names could not be a directory name; Docker fails at mkdir instead.
inline constexpr size_t kMaxVolumeName = 255;

// Docker's checks and wording (without the "create NAME: " prefix):
//   volume name is too short, names should be at least two alphanumeric characters
//   "x/y" includes invalid characters for a local volume name, only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed. ...
Status validate_volume_name(std::string_view name);

// 64 random lowercase hex digits (getrandom), as Docker's stringid.GenerateRandomID.
Result<std::string> random_volume_name();

}  // namespace berth::volume
