// Berth's version, for `berth version`, `berth --version` and the registry
// User-Agent.
#pragma once

namespace berth {

inline constexpr char kBerthVersion[] = "0.1.0";
// The Docker Engine API version whose behaviour berth follows.
inline constexpr char kDockerApiVersion[] = "1.43";

}  // namespace berth
