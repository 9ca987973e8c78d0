// Error values for the shim without fmt: base's fail()/fail_errno() format
// with fmt, whose code (and the std::locale machinery it drags into a static
// binary) would add over 100 KiB to every shim's resident text. These build
// the same one-line messages by concatenation.
#pragma once

#include <concepts>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>

#include "base/result.h"

namespace berth::shim {

namespace detail {
inline void append_part(std::string& out, std::string_view part) { out.append(part); }
inline void append_part(std::string& out, char part) { out.push_back(part); }
template <std::integral Number>
requires(!std::same_as<Number, char>) void append_part(std::string& out, Number number) {
  out.append(std::to_string(number));
}
template <class... Parts>
std::string concat(const Parts&... parts) {
  std::string out;
  (append_part(out, parts), ...);
  return out;
}
}  // namespace detail

// shim_fail("open ", path): the parts concatenated (strings and integers).
template <class... Parts>
std::unexpected<Error> shim_fail(const Parts&... parts) {
  return std::unexpected(Error{detail::concat(parts...), 0});
}

// shim_fail_errno(errno, "open ", path): "open /x: No such file or directory".
template <class... Parts>
std::unexpected<Error> shim_fail_errno(int err, const Parts&... parts) {
  std::string message = detail::concat(parts...);
  message.append(": ").append(std::strerror(err));
  return std::unexpected(Error{std::move(message), err});
}

// The failed result's error with "what: " in front.
template <class T>
std::unexpected<Error> shim_context(Result<T>&& result, std::string_view what) {
  Error error = std::move(result.error());
  error.message.insert(0, std::string(what) + ": ");
  return std::unexpected(std::move(error));
}

}  // namespace berth::shim
