// Errors as values: every fallible function returns Result<T>, whose error
// carries one human line with context ("mount /proc: Operation not permitted").
#pragma once

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <expected>
#include <string>
#include <utility>

namespace berth {

struct Error {
  std::string message;
  int errno_value = 0;  // 0 when the failure did not come from a syscall

  // Prefixes context, so callers build "create foo: mount /proc: EPERM".
  Error&& context(std::string_view what) && {
    message = fmt::format("{}: {}", what, message);
    return std::move(*this);
  }
};

template <class T>
using Result = std::expected<T, Error>;

using Status = Result<void>;

template <class... Args>
std::unexpected<Error> fail(fmt::format_string<Args...> format, Args&&... args) {
  return std::unexpected(Error{fmt::format(format, std::forward<Args>(args)...), 0});
}

// A failure from a syscall: the message ends with strerror(errno).
template <class... Args>
std::unexpected<Error> fail_errno(int err, fmt::format_string<Args...> format, Args&&... args) {
  return std::unexpected(
      Error{fmt::format("{}: {}", fmt::format(format, std::forward<Args>(args)...), std::strerror(err)), err});
}

template <class T>
std::unexpected<Error> with_context(Result<T>&& result, std::string_view what) {
  return std::unexpected(std::move(result.error()).context(what));
}

}  // namespace berth

// Propagates an error to the caller, optionally adding context.
#define BERTH_TRY(expr)                                                                   \
  do {                                                                                    \
    auto berth_try_result_ = (expr);                                                      \
    if (!berth_try_result_) return std::unexpected(std::move(berth_try_result_.error())); \
  } while (0)

#define BERTH_CONCAT_INNER(a, b) a##b
#define BERTH_CONCAT(a, b) BERTH_CONCAT_INNER(a, b)
// BERTH_ASSIGN(auto value, expr): declares value from a Result or returns its error.
#define BERTH_ASSIGN(decl, expr)                                                      \
  auto BERTH_CONCAT(berth_assign_, __LINE__) = (expr);                                \
  if (!BERTH_CONCAT(berth_assign_, __LINE__))                                         \
    return std::unexpected(std::move(BERTH_CONCAT(berth_assign_, __LINE__).error())); \
  decl = std::move(*BERTH_CONCAT(berth_assign_, __LINE__))
