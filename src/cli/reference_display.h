// References as docker shows them: the engine returns full references
// ("docker.io/library/busybox:latest"); people read familiar ones
// ("busybox:latest"), like docker's reference.FamiliarString.
#pragma once

#include <string>
#include <string_view>

namespace berth::cli {

// "docker.io/library/busybox:latest" → "busybox:latest"; text that does not parse is returned as given.
std::string familiar_string(std::string_view full_reference);

// docker's formatter.Ellipsis: at most max_width display columns, the last one "…" when cut.
std::string ellipsis(std::string_view text, int max_width);

}  // namespace berth::cli
