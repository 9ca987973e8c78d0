#include "cli/path_match.h"

#include <optional>
#include <utility>

namespace berth::cli {

namespace {

struct BadPattern {};

// One UTF-8 rune at the front of text; (U+FFFD, 1) for an invalid byte, as Go's utf8.DecodeRuneInString.
std::pair<char32_t, size_t> decode_rune(std::string_view text) {
  auto byte = static_cast<unsigned char>(text[0]);
  size_t length = byte < 0x80 ? 1 : (byte >> 5) == 0x6 ? 2 : (byte >> 4) == 0xe ? 3 : (byte >> 3) == 0x1e ? 4 : 0;
  if (length == 0 || length > text.size()) return {0xfffd, 1};
  char32_t rune = length == 1 ? byte : byte & (0x7f >> length);
  for (size_t k = 1; k < length; ++k) {
    auto next = static_cast<unsigned char>(text[k]);
    if ((next & 0xc0) != 0x80) return {0xfffd, 1};
    rune = (rune << 6) | (next & 0x3f);
  }
  return {rune, length};
}

struct Chunk {
  bool star;
  std::string_view chunk;
  std::string_view rest;
};

Chunk scan_chunk(std::string_view pattern) {
  bool star = false;
  while (!pattern.empty() && pattern[0] == '*') {
    pattern.remove_prefix(1);
    star = true;
  }
  bool in_range = false;
  size_t i = 0;
  for (; i < pattern.size(); ++i) {
    char c = pattern[i];
    if (c == '\\') {
      if (i + 1 < pattern.size()) ++i;
    } else if (c == '[') {
      in_range = true;
    } else if (c == ']') {
      in_range = false;
    } else if (c == '*' && !in_range) {
      break;
    }
  }
  return {star, pattern.substr(0, i), pattern.substr(i)};
}

// A possibly escaped rune of a character class.
char32_t get_escaped(std::string_view& chunk) {
  if (chunk.empty() || chunk[0] == '-' || chunk[0] == ']') throw BadPattern{};
  if (chunk[0] == '\\') {
    chunk.remove_prefix(1);
    if (chunk.empty()) throw BadPattern{};
  }
  auto [rune, length] = decode_rune(chunk);
  if (rune == 0xfffd && length == 1) throw BadPattern{};
  chunk.remove_prefix(length);
  if (chunk.empty()) throw BadPattern{};
  return rune;
}

// Matches chunk against the front of s; the rest of s on success. After a
// mismatch the chunk is still walked, so a malformed one is reported.
std::optional<std::string_view> match_chunk(std::string_view chunk, std::string_view s) {
  bool failed = false;
  while (!chunk.empty()) {
    if (!failed && s.empty()) failed = true;
    switch (chunk[0]) {
      case '[': {
        char32_t rune = 0;
        if (!failed) {
          auto [r, n] = decode_rune(s);
          rune = r;
          s.remove_prefix(n);
        }
        chunk.remove_prefix(1);
        bool negated = false;
        if (!chunk.empty() && chunk[0] == '^') {
          negated = true;
          chunk.remove_prefix(1);
        }
        bool match = false;
        int ranges = 0;
        while (true) {
          if (!chunk.empty() && chunk[0] == ']' && ranges > 0) {
            chunk.remove_prefix(1);
            break;
          }
          char32_t lo = get_escaped(chunk);
          char32_t hi = lo;
          if (chunk[0] == '-') {
            chunk.remove_prefix(1);
            hi = get_escaped(chunk);
          }
          if (lo <= rune && rune <= hi) match = true;
          ++ranges;
        }
        if (match == negated) failed = true;
        break;
      }
      case '?':
        if (!failed) {
          if (s[0] == '/') failed = true;
          s.remove_prefix(decode_rune(s).second);
        }
        chunk.remove_prefix(1);
        break;
      case '\\':
        chunk.remove_prefix(1);
        if (chunk.empty()) throw BadPattern{};
        [[fallthrough]];
      default:
        if (!failed) {
          if (chunk[0] != s[0]) failed = true;
          s.remove_prefix(1);
        }
        chunk.remove_prefix(1);
        break;
    }
  }
  if (failed) return std::nullopt;
  return s;
}

bool match(std::string_view pattern, std::string_view name) {
  while (!pattern.empty()) {
    Chunk scanned = scan_chunk(pattern);
    pattern = scanned.rest;
    if (scanned.star && scanned.chunk.empty()) return name.find('/') == std::string_view::npos;
    auto rest = match_chunk(scanned.chunk, name);
    if (rest && (rest->empty() || !pattern.empty())) {
      name = *rest;
      continue;
    }
    bool advanced = false;
    if (scanned.star) {
      for (size_t i = 0; i < name.size() && name[i] != '/'; ++i) {
        auto skipped = match_chunk(scanned.chunk, name.substr(i + 1));
        if (!skipped) continue;
        if (pattern.empty() && !skipped->empty()) continue;
        name = *skipped;
        advanced = true;
        break;
      }
    }
    if (advanced) continue;
    // No match: the rest of the pattern must still be well formed.
    while (!pattern.empty()) {
      Chunk next = scan_chunk(pattern);
      pattern = next.rest;
      match_chunk(next.chunk, "");
    }
    return false;
  }
  return name.empty();
}

}  // namespace

Result<bool> path_match(std::string_view pattern, std::string_view name) {
  try {
    return match(pattern, name);
  } catch (const BadPattern&) {
    return fail("syntax error in pattern");
  }
}

}  // namespace berth::cli
