// Go's fmt package over values decoded from JSON, as the template engine
// prints them: Sprint, Sprintln, Sprintf and Go's type names for messages.
// Hand-written because no C++ library formats like Go's fmt (%v of maps and
// slices, %!d(string=x) for a wrong verb, %!(EXTRA ...) for spare operands).
//
// JSON values stand for Go values: strings are string, integers int, other
// numbers float64, true/false bool, arrays []interface {}, objects
// map[string]interface {} (printed in sorted key order, as fmt sorts maps)
// and null a nil interface ("<nil>"). One deliberate difference: a float64
// with an integral value prints as an integer ("1000000", not Go's
// "1e+06") because docker's data is typed structs whose sizes and counts
// are int64; %e, %f and %g still print it as Go does.
#pragma once

#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <string_view>

namespace berth::cli {

// fmt.Sprint(value): strings bare, arrays "[a b]", objects "map[k:v]", null "<nil>".
std::string go_print_value(const nlohmann::json& value);
// fmt.Sprint(args...): a space between two operands when neither is a string.
std::string go_sprint(std::span<const nlohmann::json> args);
// fmt.Sprintln(args...): spaces between all operands and a trailing newline.
std::string go_sprintln(std::span<const nlohmann::json> args);
// fmt.Sprintf. Widths and precisions follow Go's limit: a number over about
// 10^6 is not a width but a malformed verb ("%!(NOVERB)"), so no directive
// allocates more than ~10 MB.
std::string go_sprintf(std::string_view format, std::span<const nlohmann::json> args);
// strconv.Quote: Go's double-quoted string literal.
std::string go_quote(std::string_view text);
// The Go type a JSON value stands for, as fmt and text/template name it.
std::string go_type_name(const nlohmann::json& value);

// UTF-8 helpers shared with the template functions (invalid bytes decode to U+FFFD, one byte each).
char32_t decode_utf8_rune(std::string_view text, size_t& position);
void append_utf8_rune(std::string& out, char32_t rune);
size_t count_utf8_runes(std::string_view text);

}  // namespace berth::cli
