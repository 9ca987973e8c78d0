// JSON string escaping byte-for-byte as Docker's json-file logs have it (Go's
// encoding/json rules): hand-written because log lines must match Docker's
// files exactly and nlohmann-json escapes differently (it keeps <>&, and throws
// on invalid UTF-8 by default) and would cost the shim pages it has no budget for.
#pragma once

#include <string>
#include <string_view>

namespace berth::shim {

// Appends `bytes` as a quoted JSON string: \" \\ \n \r \t, other control
// characters as \u00xx, <, > and & as \u003c \u003e \u0026, U+2028 and U+2029
// escaped, and each byte that is not part of valid UTF-8 as \ufffd.
void append_go_json_string(std::string& out, std::string_view bytes);

}  // namespace berth::shim
