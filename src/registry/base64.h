// Standard base64 (RFC 4648 with padding): the "auth" field of Docker's
// config.json and HTTP Basic credentials.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace berth {

std::string base64_encode(std::string_view data);
// nullopt on characters outside the alphabet or bad padding; whitespace is not allowed.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace berth
