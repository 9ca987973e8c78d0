#include "cli/go_print.h"

#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <cstdint>
#include <optional>
#include <vector>

namespace berth::cli {

namespace {

using json = nlohmann::json;

constexpr char lower_digits[] = "0123456789abcdefx";
constexpr char upper_digits[] = "0123456789ABCDEFX";

// Mirrors fmt's parsenum: beyond this a number is "crazy long" and the verb is malformed.
constexpr int max_directive_number = 1'000'000;

bool is_printable_rune(char32_t rune) {
  if (rune < 0x20 || rune == 0x7f) return false;
  if (rune >= 0x80 && rune < 0xa0) return false;
  if (rune == 0xad || rune == 0x2028 || rune == 0x2029 || rune == 0xfeff) return false;
  if (rune >= 0xd800 && rune < 0xe000) return false;
  return rune <= 0x10ffff;
}

void append_escaped_rune(std::string& out, char32_t rune, bool ascii_only) {
  switch (rune) {
    case '\a':
      out += "\\a";
      return;
    case '\b':
      out += "\\b";
      return;
    case '\f':
      out += "\\f";
      return;
    case '\n':
      out += "\\n";
      return;
    case '\r':
      out += "\\r";
      return;
    case '\t':
      out += "\\t";
      return;
    case '\v':
      out += "\\v";
      return;
  }
  if (rune < 0x20 || rune == 0x7f)
    out += fmt::format("\\x{:02x}", uint32_t(rune));
  else if (rune < 0x10000)
    out += fmt::format("\\u{:04x}", uint32_t(rune));
  else
    out += fmt::format("\\U{:08x}", uint32_t(rune));
  (void)ascii_only;
}

// strconv.Quote / QuoteToASCII / QuoteRune.
std::string quote_with(std::string_view text, char quote, bool ascii_only) {
  std::string out(1, quote);
  for (size_t i = 0; i < text.size();) {
    size_t start = i;
    char32_t rune = decode_utf8_rune(text, i);
    if (rune == 0xfffd && i - start == 1 && static_cast<unsigned char>(text[start]) >= 0x80) {
      out += fmt::format("\\x{:02x}", static_cast<unsigned char>(text[start]));
      continue;
    }
    if (rune == char32_t(quote) || rune == '\\') {
      out += '\\';
      out += char(rune);
    } else if (rune < 0x80 ? is_printable_rune(rune) : (!ascii_only && is_printable_rune(rune))) {
      out.append(text.substr(start, i - start));
    } else {
      append_escaped_rune(out, rune, ascii_only);
    }
  }
  out += quote;
  return out;
}

bool can_backquote(std::string_view text) {
  for (size_t i = 0; i < text.size();) {
    size_t start = i;
    char32_t rune = decode_utf8_rune(text, i);
    if (rune == 0xfffd && i - start == 1) return false;
    if (rune == '`' || rune == 0xfeff) return false;
    if (rune < 0x20 && rune != '\t') return false;
    if (rune == 0x7f) return false;
  }
  return true;
}

// Go's strconv formatting of a float64 in 'e', 'f' or 'g' style.
struct Digits {
  std::string digits;  // significant digits, no trailing zeros (at least "0")
  int point = 0;       // decimal point position: value = 0.digits * 10^point
};

// Shortest digits that round-trip (precision < 0) or `precision` significant digits.
Digits decimal_digits(double value, int precision) {
  value = std::fabs(value);
  std::vector<char> buffer(size_t(std::max(precision, 0)) + 40);
  std::to_chars_result result =
      precision < 0 ? std::to_chars(buffer.data(), buffer.data() + buffer.size(), value, std::chars_format::scientific)
                    : std::to_chars(buffer.data(), buffer.data() + buffer.size(), value, std::chars_format::scientific,
                                    std::max(precision - 1, 0));
  std::string_view text(buffer.data(), size_t(result.ptr - buffer.data()));
  size_t e = text.find('e');
  Digits out;
  for (char c : text.substr(0, e))
    if (c != '.') out.digits += c;
  int exponent = 0;
  std::string_view exponent_text = text.substr(e + 1);
  if (!exponent_text.empty() && exponent_text[0] == '+') exponent_text.remove_prefix(1);
  std::from_chars(exponent_text.data(), exponent_text.data() + exponent_text.size(), exponent);
  while (out.digits.size() > 1 && out.digits.back() == '0') out.digits.pop_back();
  out.point = out.digits == "0" ? 1 : exponent + 1;
  return out;
}

std::string format_e(const Digits& d, int precision, char e) {
  std::string out(1, d.digits[0]);
  if (precision > 0) {
    out += '.';
    for (int i = 1; i <= precision; ++i) out += size_t(i) < d.digits.size() ? d.digits[size_t(i)] : '0';
  }
  int exponent = d.digits == "0" ? 0 : d.point - 1;
  out += e;
  out += exponent < 0 ? '-' : '+';
  exponent = std::abs(exponent);
  if (exponent < 10) out += '0';
  out += std::to_string(exponent);
  return out;
}

std::string format_f(const Digits& d, int precision) {
  std::string out;
  if (d.point > 0) {
    for (int i = 0; i < d.point; ++i) out += size_t(i) < d.digits.size() ? d.digits[size_t(i)] : '0';
  } else {
    out = "0";
  }
  if (precision > 0) {
    out += '.';
    for (int i = 0; i < precision; ++i) {
      int index = d.point + i;
      out += index >= 0 && size_t(index) < d.digits.size() ? d.digits[size_t(index)] : '0';
    }
  }
  return out;
}

// strconv.FormatFloat(value, verb, precision, 64) for finite values, without the sign.
std::string format_float_unsigned(double value, char verb, int precision) {
  switch (verb) {
    case 'e':
    case 'E': {
      if (precision < 0) {
        Digits d = decimal_digits(value, -1);
        return format_e(d, int(d.digits.size()) - 1, verb);
      }
      std::vector<char> buffer(size_t(precision) + 40);
      auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), std::fabs(value),
                                  std::chars_format::scientific, precision);
      std::string out(buffer.data(), result.ptr);
      if (verb == 'E')
        for (char& c : out)
          if (c == 'e') c = 'E';
      return out;
    }
    case 'f':
    case 'F': {
      if (precision < 0) {
        Digits d = decimal_digits(value, -1);
        return format_f(d, std::max(int(d.digits.size()) - d.point, 0));
      }
      std::vector<char> buffer(size_t(precision) + 330);
      auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), std::fabs(value),
                                  std::chars_format::fixed, precision);
      return std::string(buffer.data(), result.ptr);
    }
    default: {  // 'g', 'G'
      bool shortest = precision < 0;
      if (precision == 0) precision = 1;
      Digits d = decimal_digits(value, shortest ? -1 : precision);
      int digit_count = int(d.digits.size());
      if (shortest) precision = digit_count;
      int exponent_precision = precision;
      if (exponent_precision > digit_count && digit_count >= d.point) exponent_precision = digit_count;
      if (shortest) exponent_precision = 6;
      int exponent = d.point - 1;
      if (exponent < -4 || exponent >= exponent_precision) {
        if (precision > digit_count) precision = digit_count;
        return format_e(d, precision - 1, verb == 'G' ? 'E' : 'e');
      }
      if (precision > d.point) precision = digit_count;
      return format_f(d, std::max(precision - d.point, 0));
    }
  }
}

enum class Kind { nil, boolean, integer, unsigned_integer, floating, string, array, object };

Kind kind_of(const json& value) {
  switch (value.type()) {
    case json::value_t::boolean:
      return Kind::boolean;
    case json::value_t::number_integer:
      return Kind::integer;
    case json::value_t::number_unsigned:
      return Kind::unsigned_integer;
    case json::value_t::number_float:
      return Kind::floating;
    case json::value_t::string:
      return Kind::string;
    case json::value_t::array:
      return Kind::array;
    case json::value_t::object:
      return Kind::object;
    default:
      return Kind::nil;
  }
}

// A float64 holding an integral value prints as the int64 docker's structs have.
std::optional<int64_t> integral_value(double value) {
  if (std::isfinite(value) && value == std::trunc(value) && std::fabs(value) < 1e18) return int64_t(value);
  return std::nullopt;
}

std::string print_float_v(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  if (auto integral = integral_value(value)) return std::to_string(*integral);
  std::string out = format_float_unsigned(value, 'g', -1);
  return std::signbit(value) ? "-" + out : out;
}

struct Flags {
  bool plus = false, minus = false, sharp = false, space = false, zero = false;
  bool sharp_v = false, plus_v = false;
  bool width_present = false, precision_present = false;
  int width = 0, precision = 0;
};

// One fmt "pp": formats one directive's operand into out.
class Printer {
 public:
  explicit Printer(std::string& out) : out_(out) {}
  Flags flags;

  void print_arg(const json& arg, char32_t verb, int depth) {
    if (kind_of(arg) == Kind::nil) {
      if (depth > 0) {
        out_ += "<nil>";
      } else if (verb == 'T' || verb == 'v') {
        pad_string("<nil>");
      } else {
        bad_verb(verb, arg);
      }
      return;
    }
    if (verb == 'T') {
      pad_string(go_type_name(arg));
      return;
    }
    switch (kind_of(arg)) {
      case Kind::boolean:
        if (verb == 't' || verb == 'v')
          pad_string(arg.get<bool>() ? "true" : "false");
        else
          bad_verb(verb, arg);
        return;
      case Kind::integer:
        format_integer_verb(uint64_t(arg.get<int64_t>()), true, verb, arg);
        return;
      case Kind::unsigned_integer:
        // JSON integers stand for Go ints; only values beyond int64 print as unsigned.
        format_integer_verb(arg.get<uint64_t>(), arg.get<uint64_t>() <= uint64_t(INT64_MAX), verb, arg);
        return;
      case Kind::floating:
        format_float_verb(arg.get<double>(), verb, arg);
        return;
      case Kind::string:
        format_string_verb(arg.get_ref<const std::string&>(), verb, arg);
        return;
      case Kind::array:
        if (flags.sharp_v) {
          out_ += "[]interface {}{";
          for (size_t i = 0; i < arg.size(); ++i) {
            if (i > 0) out_ += ", ";
            print_nested(arg[i], verb, depth);
          }
          out_ += '}';
          return;
        }
        out_ += '[';
        for (size_t i = 0; i < arg.size(); ++i) {
          if (i > 0) out_ += ' ';
          print_nested(arg[i], verb, depth);
        }
        out_ += ']';
        return;
      case Kind::object: {
        out_ += flags.sharp_v ? "map[string]interface {}{" : "map[";
        bool first = true;
        for (const auto& [key, item] : arg.items()) {
          if (!first) out_ += flags.sharp_v ? ", " : " ";
          first = false;
          print_arg(json(key), verb, depth + 1);
          out_ += ':';
          print_nested(item, verb, depth);
        }
        out_ += flags.sharp_v ? '}' : ']';
        return;
      }
      case Kind::nil:
        return;
    }
  }

  void pad_string(std::string_view text) {
    if (!flags.width_present || flags.width == 0) {
      out_ += text;
      return;
    }
    int padding = flags.width - int(count_utf8_runes(text));
    if (!flags.minus) write_padding(padding);
    out_ += text;
    if (flags.minus) write_padding(padding);
  }

 private:
  void print_nested(const json& item, char32_t verb, int depth) {
    if (kind_of(item) == Kind::nil) {
      out_ += flags.sharp_v ? "interface {}(nil)" : "<nil>";
      return;
    }
    print_arg(item, verb, depth + 1);
  }

  void write_padding(int count) {
    if (count <= 0) return;
    out_.append(size_t(count), flags.zero && !flags.minus ? '0' : ' ');
  }

  void bad_verb(char32_t verb, const json& arg) {
    out_ += "%!";
    append_utf8_rune(out_, verb);
    out_ += '(';
    if (kind_of(arg) == Kind::nil) {
      out_ += "<nil>";
    } else {
      out_ += go_type_name(arg);
      out_ += '=';
      print_arg(arg, 'v', 0);
    }
    out_ += ')';
  }

  void format_integer_verb(uint64_t value, bool is_signed, char32_t verb, const json& arg) {
    switch (verb) {
      case 'v':
      case 'd':
        format_integer(value, 10, is_signed, verb, lower_digits);
        return;
      case 'b':
        format_integer(value, 2, is_signed, verb, lower_digits);
        return;
      case 'o':
      case 'O':
        format_integer(value, 8, is_signed, verb, lower_digits);
        return;
      case 'x':
        format_integer(value, 16, is_signed, verb, lower_digits);
        return;
      case 'X':
        format_integer(value, 16, is_signed, verb, upper_digits);
        return;
      case 'c': {
        std::string text;
        append_utf8_rune(text, value > 0x10ffff ? char32_t(0xfffd) : char32_t(value));
        pad_string(text);
        return;
      }
      case 'q': {
        std::string text;
        append_utf8_rune(text, value > 0x10ffff ? char32_t(0xfffd) : char32_t(value));
        pad_string(quote_with(text, '\'', flags.plus));
        return;
      }
      case 'U': {
        std::string text = fmt::format("U+{:04X}", value);
        if (flags.sharp && value <= 0x10ffff && is_printable_rune(char32_t(value))) {
          text += " '";
          append_utf8_rune(text, char32_t(value));
          text += "'";
        }
        pad_string(text);
        return;
      }
      default:
        bad_verb(verb, arg);
    }
  }

  // fmt.fmtInteger: precision and zero padding become leading zeros, then prefixes and sign.
  void format_integer(uint64_t value, int base, bool is_signed, char32_t verb, const char* digits) {
    bool negative = is_signed && int64_t(value) < 0;
    if (negative) value = uint64_t(0) - value;
    int precision = 0;
    if (flags.precision_present) {
      precision = flags.precision;
      if (precision == 0 && value == 0) {
        bool zero = flags.zero;
        flags.zero = false;
        write_padding(flags.width_present ? flags.width : 0);
        flags.zero = zero;
        return;
      }
    } else if (flags.zero && !flags.minus && flags.width_present) {
      precision = flags.width;
      if (negative || flags.plus || flags.space) --precision;
    }
    std::string reversed;
    do {
      reversed += digits[value % uint64_t(base)];
      value /= uint64_t(base);
    } while (value != 0);
    while (int(reversed.size()) < precision) reversed += '0';
    if (flags.sharp) {
      if (base == 2) reversed += "b0";
      if (base == 8 && reversed.back() != '0') reversed += '0';
      if (base == 16) {
        reversed += digits[16];
        reversed += '0';
      }
    }
    if (verb == 'O') reversed += "o0";
    if (negative)
      reversed += '-';
    else if (flags.plus)
      reversed += '+';
    else if (flags.space)
      reversed += ' ';
    std::string text(reversed.rbegin(), reversed.rend());
    bool zero = flags.zero;
    flags.zero = false;
    pad_string(text);
    flags.zero = zero;
  }

  void format_float_verb(double value, char32_t verb, const json& arg) {
    switch (verb) {
      case 'v':
        if (!flags.precision_present && integral_value(value)) {
          format_integer(uint64_t(*integral_value(value)), 10, true, 'd', lower_digits);
          return;
        }
        format_float(value, 'g', -1);
        return;
      case 'g':
      case 'G':
        format_float(value, char(verb), -1);
        return;
      case 'e':
      case 'E':
      case 'f':
      case 'F':
        format_float(value, char(verb), 6);
        return;
      default:
        bad_verb(verb, arg);
    }
  }

  void format_float(double value, char verb, int precision) {
    if (flags.precision_present) precision = flags.precision;
    std::string number;
    if (std::isnan(value)) {
      number = flags.plus ? "+NaN" : flags.space ? " NaN" : "NaN";
    } else if (std::isinf(value)) {
      number = value < 0 ? "-Inf" : flags.plus ? "+Inf" : flags.space ? " Inf" : "+Inf";
      if (value > 0 && !flags.plus && !flags.space) number = "+Inf";
    }
    if (!number.empty()) {
      bool zero = flags.zero;
      flags.zero = false;
      pad_string(number);
      flags.zero = zero;
      return;
    }
    std::string digits = format_float_unsigned(value, verb, precision);
    char sign = std::signbit(value) ? '-' : '+';
    if (flags.space && sign == '+' && !flags.plus) sign = ' ';
    if (flags.plus || sign != '+') {
      int length = int(digits.size()) + 1;
      if (flags.zero && !flags.minus && flags.width_present && flags.width > length) {
        out_ += sign;
        write_padding(flags.width - length);
        out_ += digits;
        return;
      }
      pad_string(std::string(1, sign) + digits);
      return;
    }
    pad_string(digits);
  }

  void format_string_verb(const std::string& text, char32_t verb, const json& arg) {
    switch (verb) {
      case 'v':
        if (flags.sharp_v) {
          pad_string(quote_with(text, '"', false));
          return;
        }
        [[fallthrough]];
      case 's':
        pad_string(truncated(text));
        return;
      case 'q': {
        std::string_view shown = truncated(text);
        if (flags.sharp && can_backquote(shown))
          pad_string("`" + std::string(shown) + "`");
        else
          pad_string(quote_with(shown, '"', flags.plus));
        return;
      }
      case 'x':
        format_hex_bytes(text, lower_digits);
        return;
      case 'X':
        format_hex_bytes(text, upper_digits);
        return;
      default:
        bad_verb(verb, arg);
    }
  }

  std::string_view truncated(std::string_view text) const {
    if (!flags.precision_present) return text;
    size_t position = 0;
    for (int runes = 0; runes < flags.precision && position < text.size(); ++runes) decode_utf8_rune(text, position);
    return text.substr(0, position);
  }

  void format_hex_bytes(std::string_view text, const char* digits) {
    size_t length = text.size();
    if (flags.precision_present && size_t(flags.precision) < length) length = size_t(flags.precision);
    int width = int(2 * length);
    if (width == 0) {
      if (flags.width_present) write_padding(flags.width);
      return;
    }
    if (flags.space) {
      if (flags.sharp) width *= 2;
      width += int(length) - 1;
    } else if (flags.sharp) {
      width += 2;
    }
    if (flags.width_present && flags.width > width && !flags.minus) write_padding(flags.width - width);
    if (flags.sharp) {
      out_ += '0';
      out_ += digits[16];
    }
    for (size_t i = 0; i < length; ++i) {
      if (flags.space && i > 0) {
        out_ += ' ';
        if (flags.sharp) {
          out_ += '0';
          out_ += digits[16];
        }
      }
      auto byte = static_cast<unsigned char>(text[i]);
      out_ += digits[byte >> 4];
      out_ += digits[byte & 0xf];
    }
    if (flags.width_present && flags.width > width && flags.minus) write_padding(flags.width - width);
  }

  std::string& out_;
};

// fmt's parsenum: digits at format[i...]; too many digits make the whole rest of the format unusable.
struct ParsedNumber {
  int value = 0;
  bool present = false;
  size_t next = 0;
};

ParsedNumber parse_directive_number(std::string_view format, size_t i) {
  ParsedNumber parsed{.next = i};
  if (i >= format.size()) return {.next = format.size()};
  for (; parsed.next < format.size() && format[parsed.next] >= '0' && format[parsed.next] <= '9'; ++parsed.next) {
    if (parsed.value > max_directive_number || parsed.value < -max_directive_number) return {.next = format.size()};
    parsed.value = parsed.value * 10 + (format[parsed.next] - '0');
    parsed.present = true;
  }
  return parsed;
}

bool is_string(const json& value) { return value.is_string(); }

}  // namespace

char32_t decode_utf8_rune(std::string_view text, size_t& i) {
  auto byte = static_cast<unsigned char>(text[i]);
  int length = byte < 0x80 ? 1 : (byte >> 5) == 0x6 ? 2 : (byte >> 4) == 0xe ? 3 : (byte >> 3) == 0x1e ? 4 : 0;
  if (length == 0 || i + size_t(length) > text.size()) {
    ++i;
    return 0xfffd;
  }
  char32_t rune = length == 1 ? byte : byte & (0x7f >> length);
  for (int k = 1; k < length; ++k) {
    auto next = static_cast<unsigned char>(text[i + size_t(k)]);
    if ((next & 0xc0) != 0x80) {
      ++i;
      return 0xfffd;
    }
    rune = (rune << 6) | (next & 0x3f);
  }
  // Overlong forms and surrogates are invalid, as in Go's utf8.DecodeRune.
  static constexpr char32_t minimum[] = {0, 0, 0x80, 0x800, 0x10000};
  if (rune < minimum[length] || (rune >= 0xd800 && rune < 0xe000) || rune > 0x10ffff) {
    ++i;
    return 0xfffd;
  }
  i += size_t(length);
  return rune;
}

void append_utf8_rune(std::string& out, char32_t rune) {
  if (rune > 0x10ffff || (rune >= 0xd800 && rune < 0xe000)) rune = 0xfffd;
  if (rune < 0x80) {
    out += char(rune);
  } else if (rune < 0x800) {
    out += char(0xc0 | (rune >> 6));
    out += char(0x80 | (rune & 0x3f));
  } else if (rune < 0x10000) {
    out += char(0xe0 | (rune >> 12));
    out += char(0x80 | ((rune >> 6) & 0x3f));
    out += char(0x80 | (rune & 0x3f));
  } else {
    out += char(0xf0 | (rune >> 18));
    out += char(0x80 | ((rune >> 12) & 0x3f));
    out += char(0x80 | ((rune >> 6) & 0x3f));
    out += char(0x80 | (rune & 0x3f));
  }
}

size_t count_utf8_runes(std::string_view text) {
  size_t count = 0;
  for (size_t i = 0; i < text.size(); ++count) decode_utf8_rune(text, i);
  return count;
}

std::string go_type_name(const json& value) {
  switch (kind_of(value)) {
    case Kind::boolean:
      return "bool";
    case Kind::integer:
    case Kind::unsigned_integer:
      return "int";
    case Kind::floating:
      return "float64";
    case Kind::string:
      return "string";
    case Kind::array:
      return "[]interface {}";
    case Kind::object:
      return "map[string]interface {}";
    case Kind::nil:
      break;
  }
  return "<nil>";
}

std::string go_quote(std::string_view text) { return quote_with(text, '"', false); }

std::string go_print_value(const json& value) {
  switch (kind_of(value)) {
    case Kind::string:
      return value.get<std::string>();
    case Kind::boolean:
      return value.get<bool>() ? "true" : "false";
    case Kind::nil:
      return "<nil>";
    case Kind::integer:
    case Kind::unsigned_integer:
      return value.dump();
    case Kind::floating:
      return print_float_v(value.get<double>());
    case Kind::array: {
      std::string out = "[";
      for (size_t i = 0; i < value.size(); ++i) {
        if (i > 0) out += ' ';
        out += go_print_value(value[i]);
      }
      return out + "]";
    }
    case Kind::object: {
      std::string out = "map[";
      bool first = true;
      for (const auto& [key, item] : value.items()) {  // nlohmann::json keeps keys sorted, as fmt prints maps
        if (!first) out += ' ';
        first = false;
        out += key + ":" + go_print_value(item);
      }
      return out + "]";
    }
  }
  return "";
}

std::string go_sprint(std::span<const json> args) {
  std::string out;
  bool previous_string = false;
  for (size_t i = 0; i < args.size(); ++i) {
    bool string = is_string(args[i]);
    if (i > 0 && !string && !previous_string) out += ' ';
    out += go_print_value(args[i]);
    previous_string = string;
  }
  return out;
}

std::string go_sprintln(std::span<const json> args) {
  std::string out;
  for (size_t i = 0; i < args.size(); ++i) {
    if (i > 0) out += ' ';
    out += go_print_value(args[i]);
  }
  return out + "\n";
}

std::string go_sprintf(std::string_view format, std::span<const json> args) {
  std::string out;
  Printer printer(out);
  size_t arg_number = 0;
  bool reordered = false;
  const size_t end = format.size();
  size_t i = 0;
  // fmt's argNumber: an explicit "[n]" operand index.
  auto explicit_index = [&](bool& good, bool& after_index) {
    after_index = false;
    if (i >= end || format[i] != '[') return;
    reordered = true;
    size_t close = format.find(']', i + 1);
    if (close == std::string_view::npos) {
      good = false;
      return;
    }
    ParsedNumber number = parse_directive_number(format.substr(0, close), i + 1);
    if (!number.present || number.next != close || number.value < 1 || size_t(number.value) > args.size()) {
      good = false;
      i = close + 1;
      return;
    }
    arg_number = size_t(number.value - 1);
    i = close + 1;
    after_index = true;
  };
  auto int_from_arg = [&](int& value) -> bool {
    if (arg_number >= args.size()) return false;
    const json& arg = args[arg_number++];
    if (!arg.is_number_integer()) return false;
    int64_t number = arg.get<int64_t>();
    if (number > max_directive_number || number < -max_directive_number) return false;
    value = int(number);
    return true;
  };
  while (i < end) {
    size_t last = i;
    while (i < end && format[i] != '%') ++i;
    out.append(format.substr(last, i - last));
    if (i >= end) break;
    ++i;  // the '%'
    Flags& flags = printer.flags;
    flags = Flags{};
    for (; i < end; ++i) {
      char c = format[i];
      if (c == '#') {
        flags.sharp = true;
      } else if (c == '0') {
        flags.zero = !flags.minus;
      } else if (c == '+') {
        flags.plus = true;
      } else if (c == '-') {
        flags.minus = true;
        flags.zero = false;
      } else if (c == ' ') {
        flags.space = true;
      } else {
        break;
      }
    }
    bool good_arg_number = true, after_index = false;
    explicit_index(good_arg_number, after_index);
    if (i < end && format[i] == '*') {
      ++i;
      flags.width_present = int_from_arg(flags.width);
      if (!flags.width_present) out += "%!(BADWIDTH)";
      if (flags.width < 0) {
        flags.width = -flags.width;
        flags.minus = true;
        flags.zero = false;
      }
      after_index = false;
    } else {
      ParsedNumber width = parse_directive_number(format, i);
      flags.width = width.value;
      flags.width_present = width.present;
      i = width.next;
      if (after_index && flags.width_present) good_arg_number = false;
    }
    if (i + 1 <= end && i < end && format[i] == '.') {
      ++i;
      if (after_index) good_arg_number = false;
      explicit_index(good_arg_number, after_index);
      if (i < end && format[i] == '*') {
        ++i;
        flags.precision_present = int_from_arg(flags.precision);
        if (flags.precision < 0) {
          flags.precision = 0;
          flags.precision_present = false;
        }
        if (!flags.precision_present) out += "%!(BADPREC)";
        after_index = false;
      } else {
        ParsedNumber precision = parse_directive_number(format, i);
        flags.precision = precision.value;
        flags.precision_present = true;
        i = precision.next;
      }
    }
    if (!after_index) explicit_index(good_arg_number, after_index);
    if (i >= end) {
      out += "%!(NOVERB)";
      break;
    }
    char32_t verb = decode_utf8_rune(format, i);
    if (verb == '%') {
      out += '%';
    } else if (!good_arg_number) {
      out += "%!";
      append_utf8_rune(out, verb);
      out += "(BADINDEX)";
    } else if (arg_number >= args.size()) {
      out += "%!";
      append_utf8_rune(out, verb);
      out += "(MISSING)";
    } else {
      if (verb == 'v') {
        flags.sharp_v = flags.sharp;
        flags.sharp = false;
        flags.plus_v = flags.plus;
        flags.plus = false;
      }
      printer.print_arg(args[arg_number++], verb, 0);
    }
  }
  if (!reordered && arg_number < args.size()) {
    printer.flags = Flags{};
    out += "%!(EXTRA ";
    for (size_t k = arg_number; k < args.size(); ++k) {
      if (k > arg_number) out += ", ";
      if (args[k].is_null()) {
        out += "<nil>";
      } else {
        out += go_type_name(args[k]);
        out += '=';
        printer.print_arg(args[k], 'v', 0);
      }
    }
    out += ')';
  }
  return out;
}

}  // namespace berth::cli
