// The config.json `berth-runtime spec` writes: runc's default (a shell in a
// busybox-style rootfs), or its rootless variant.
#pragma once

#include <nlohmann/json.hpp>

namespace berth::cli {

nlohmann::json default_spec(bool rootless);

}  // namespace berth::cli
