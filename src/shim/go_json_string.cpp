#include "shim/go_json_string.h"

#include <cstdint>

namespace berth::shim {

namespace {

constexpr char hex_digits[] = "0123456789abcdef";

// Length of the valid UTF-8 sequence starting at bytes[0], or 0 when it is
// invalid (bad lead byte, bad or missing continuation, overlong form,
// surrogate, above U+10FFFF): the same rules as Go's utf8.DecodeRune.
size_t valid_sequence_length(std::string_view bytes) {
  auto at = [&](size_t index) { return static_cast<uint8_t>(bytes[index]); };
  uint8_t lead = at(0);
  size_t length;
  uint8_t second_low = 0x80, second_high = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) second_low = 0xA0;   // overlong
    if (lead == 0xED) second_high = 0x9F;  // surrogates
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) second_low = 0x90;   // overlong
    if (lead == 0xF4) second_high = 0x8F;  // above U+10FFFF
  } else {
    return 0;
  }
  if (bytes.size() < length) return 0;
  if (at(1) < second_low || at(1) > second_high) return 0;
  for (size_t index = 2; index < length; ++index)
    if (at(index) < 0x80 || at(index) > 0xBF) return 0;
  return length;
}

void append_unicode_escape(std::string& out, unsigned code) {
  char escape[6] = {'\\',
                    'u',
                    hex_digits[(code >> 12) & 0xF],
                    hex_digits[(code >> 8) & 0xF],
                    hex_digits[(code >> 4) & 0xF],
                    hex_digits[code & 0xF]};
  out.append(escape, sizeof escape);
}

}  // namespace

void append_go_json_string(std::string& out, std::string_view bytes) {
  out.push_back('"');
  size_t index = 0;
  while (index < bytes.size()) {
    // Copy the longest run that needs no escaping in one append.
    size_t run = index;
    while (run < bytes.size()) {
      uint8_t byte = static_cast<uint8_t>(bytes[run]);
      if (byte < 0x20 || byte >= 0x80 || byte == '"' || byte == '\\' || byte == '<' || byte == '>' || byte == '&')
        break;
      ++run;
    }
    out.append(bytes.data() + index, run - index);
    index = run;
    if (index == bytes.size()) break;

    uint8_t byte = static_cast<uint8_t>(bytes[index]);
    if (byte < 0x80) {
      switch (byte) {
        case '"':
          out.append("\\\"");
          break;
        case '\\':
          out.append("\\\\");
          break;
        case '\n':
          out.append("\\n");
          break;
        case '\r':
          out.append("\\r");
          break;
        case '\t':
          out.append("\\t");
          break;
        default:
          append_unicode_escape(out, byte);
          break;  // control characters and <>&
      }
      ++index;
      continue;
    }
    size_t length = valid_sequence_length(bytes.substr(index));
    if (length == 0) {
      out.append("\\ufffd");
      ++index;
      continue;
    }
    // U+2028 and U+2029 (E2 80 A8/A9) end lines in JavaScript; Go escapes them.
    if (length == 3 && byte == 0xE2 && static_cast<uint8_t>(bytes[index + 1]) == 0x80 &&
        (static_cast<uint8_t>(bytes[index + 2]) & 0xFE) == 0xA8) {
      append_unicode_escape(out, 0x2028 | (static_cast<uint8_t>(bytes[index + 2]) & 1));
    } else {
      out.append(bytes.data() + index, length);
    }
    index += length;
  }
  out.push_back('"');
}

}  // namespace berth::shim
