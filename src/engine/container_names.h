// Container ids and names as Docker makes and checks them.
#pragma once

#include <string>
#include <string_view>

#include "base/result.h"

namespace berth {

// 64 random lowercase hex digits (getrandom).
Result<std::string> new_container_id();
// "adjective_noun", like Docker's generated names (our own word lists).
std::string random_container_name();
// Docker's rule: [a-zA-Z0-9][a-zA-Z0-9_.-]+, a leading "/" allowed.
// Returns the name without the "/".
Result<std::string> check_container_name(std::string_view name);

}  // namespace berth
