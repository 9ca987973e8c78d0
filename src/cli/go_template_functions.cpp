#include "cli/go_template_functions.h"

#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <optional>

#include "cli/go_json.h"
#include "cli/go_print.h"

namespace berth::cli {

namespace {

using json = nlohmann::json;
using Args = std::span<const TemplateValue>;
using P = ParamType;

// Longest run of spaces pad may add: the same bound fmt puts on a width.
constexpr int64_t max_pad = 10'000'000;

const json null_json;

TemplateValue string_value(std::string text) { return TemplateValue::owned(json(std::move(text))); }
TemplateValue bool_value(bool value) { return TemplateValue::owned(json(value)); }

std::vector<json> as_json_list(Args args) {
  std::vector<json> out;
  out.reserve(args.size());
  for (const auto& arg : args) out.push_back(arg.json());
  return out;
}

// text/template's evalArgs: one string stays as is; otherwise fmt.Sprint, a missing value as "<no value>".
std::string sprint_args(Args args) {
  if (args.size() == 1 && args[0].json().is_string()) return args[0].json().get<std::string>();
  std::vector<json> values;
  for (const auto& arg : args) values.push_back(arg.nil() ? json("<no value>") : arg.json());
  std::string out;
  bool previous_string = false;
  for (size_t i = 0; i < values.size(); ++i) {
    bool is_string = values[i].is_string() && !args[i].nil();
    if (i > 0 && !is_string && !previous_string) out += ' ';
    out += go_print_value(values[i]);
    previous_string = is_string;
  }
  return out;
}

// Go's basicKind for comparisons.
enum class Basic { invalid, boolean, integer, unsigned_integer, floating, string };

Basic basic_kind(const TemplateValue& value) {
  if (value.nil()) return Basic::invalid;
  const json& v = value.json();
  switch (v.type()) {
    case json::value_t::boolean:
      return Basic::boolean;
    case json::value_t::number_integer:
      return Basic::integer;
    case json::value_t::number_unsigned:
      // Integers decoded from JSON stand for Go ints; only values beyond int64 stay unsigned.
      return v.get<uint64_t>() > uint64_t(std::numeric_limits<int64_t>::max()) ? Basic::unsigned_integer
                                                                               : Basic::integer;
    case json::value_t::number_float:
      return Basic::floating;
    case json::value_t::string:
      return Basic::string;
    default:
      return Basic::invalid;
  }
}

const Error bad_comparison_type{"invalid type for comparison"};
const Error bad_comparison{"incompatible types for comparison"};

Result<bool> equal(Args args) {
  const TemplateValue& first = args[0];
  if (!first.nil() && (first.json().is_array() || first.json().is_object()))
    return fail("uncomparable type {}: {}", go_type_name(first.json()), go_print_value(first.json()));
  if (args.size() < 2) return fail("missing argument for comparison");
  Basic k1 = basic_kind(first);
  for (const TemplateValue& other : args.subspan(1)) {
    Basic k2 = basic_kind(other);
    bool truth = false;
    if (k1 != k2) {
      if (k1 == Basic::integer && k2 == Basic::unsigned_integer)
        truth = first.json().get<int64_t>() >= 0 && first.json().get<uint64_t>() == other.json().get<uint64_t>();
      else if (k1 == Basic::unsigned_integer && k2 == Basic::integer)
        truth = other.json().get<int64_t>() >= 0 && first.json().get<uint64_t>() == other.json().get<uint64_t>();
      else
        return std::unexpected(bad_comparison);
    } else {
      switch (k1) {
        case Basic::boolean:
          truth = first.json().get<bool>() == other.json().get<bool>();
          break;
        case Basic::integer:
          truth = first.json().get<int64_t>() == other.json().get<int64_t>();
          break;
        case Basic::unsigned_integer:
          truth = first.json().get<uint64_t>() == other.json().get<uint64_t>();
          break;
        case Basic::floating:
          truth = first.json().get<double>() == other.json().get<double>();
          break;
        case Basic::string:
          truth = first.json().get_ref<const std::string&>() == other.json().get_ref<const std::string&>();
          break;
        case Basic::invalid:
          if (!other.nil() && (other.json().is_array() || other.json().is_object()))
            return fail("uncomparable type {}: {}", go_type_name(other.json()), go_print_value(other.json()));
          truth = first.nil() && other.nil();
          break;
      }
    }
    if (truth) return true;
  }
  return false;
}

Result<bool> less(const TemplateValue& a, const TemplateValue& b) {
  Basic k1 = basic_kind(a);
  if (k1 == Basic::invalid) return std::unexpected(bad_comparison_type);
  Basic k2 = basic_kind(b);
  if (k2 == Basic::invalid) return std::unexpected(bad_comparison_type);
  if (k1 != k2) {
    if (k1 == Basic::integer && k2 == Basic::unsigned_integer)
      return a.json().get<int64_t>() < 0 || a.json().get<uint64_t>() < b.json().get<uint64_t>();
    if (k1 == Basic::unsigned_integer && k2 == Basic::integer)
      return b.json().get<int64_t>() >= 0 && a.json().get<uint64_t>() < b.json().get<uint64_t>();
    return std::unexpected(bad_comparison);
  }
  switch (k1) {
    case Basic::integer:
      return a.json().get<int64_t>() < b.json().get<int64_t>();
    case Basic::unsigned_integer:
      return a.json().get<uint64_t>() < b.json().get<uint64_t>();
    case Basic::floating:
      return a.json().get<double>() < b.json().get<double>();
    case Basic::string:
      return a.json().get_ref<const std::string&>() < b.json().get_ref<const std::string&>();
    default:
      return std::unexpected(bad_comparison_type);
  }
}

Result<bool> less_or_equal(Args args) {
  BERTH_ASSIGN(bool lt, less(args[0], args[1]));
  if (lt) return true;
  return equal(args);
}

// Go's indexArg: an integer index within [0, cap].
Result<int64_t> index_argument(const TemplateValue& index, size_t cap) {
  if (index.nil()) return fail("cannot index slice/array with nil");
  const json& value = index.json();
  if (!value.is_number_integer()) return fail("cannot index slice/array with type {}", go_type_name(value));
  int64_t x = value.is_number_unsigned() && value.get<uint64_t>() > uint64_t(std::numeric_limits<int64_t>::max())
                  ? -1
                  : value.get<int64_t>();
  if (x < 0 || uint64_t(x) > cap) {
    if (value.is_number_unsigned()) return fail("index out of range: {}", value.get<uint64_t>());
    return fail("index out of range: {}", x);
  }
  return x;
}

// A map with only string values stands for docker's map[string]string: a missing key reads as "".
bool all_strings(const json& object) {
  return std::all_of(object.begin(), object.end(), [](const json& item) { return item.is_string(); });
}

Result<TemplateValue> index_function(Args args) {
  TemplateValue item = args[0];
  if (item.missing()) return fail("index of untyped nil");
  for (const TemplateValue& index : args.subspan(1)) {
    if (item.missing()) return fail("index of untyped nil");
    const json& value = item.json();
    if (value.is_null()) {
      // A nil map[string]string, as docker's typed labels are when empty.
      if (!index.nil() && index.json().is_string()) {
        item = string_value("");
        continue;
      }
      return fail("index of untyped nil");
    }
    if (value.is_array() || value.is_string()) {
      size_t length = value.is_array() ? value.size() : value.get_ref<const std::string&>().size();
      BERTH_ASSIGN(int64_t x, index_argument(index, length));
      if (size_t(x) == length) return fail("reflect: {} index out of range", value.is_array() ? "slice" : "string");
      if (value.is_array())
        item = item.member(value[size_t(x)]);
      else
        item = TemplateValue::owned(
            json(uint64_t(static_cast<unsigned char>(value.get_ref<const std::string&>()[size_t(x)]))));
      continue;
    }
    if (value.is_object()) {
      if (index.nil()) return fail("value is nil; should be of type string");
      if (!index.json().is_string()) return fail("value has type {}; should be string", go_type_name(index.json()));
      auto found = value.find(index.json().get<std::string>());
      if (found != value.end())
        item = item.member(*found);
      else
        item = all_strings(value) ? string_value("") : TemplateValue();
      continue;
    }
    return fail("can't index item of type {}", go_type_name(value));
  }
  return item;
}

Result<TemplateValue> slice_function(Args args) {
  const TemplateValue& item = args[0];
  if (item.nil()) return fail("slice of untyped nil");
  Args indexes = args.subspan(1);
  if (indexes.size() > 3) return fail("too many slice indexes: {}", indexes.size());
  const json& value = item.json();
  size_t length = 0;
  if (value.is_string()) {
    if (indexes.size() == 3) return fail("cannot 3-index slice a string");
    length = value.get_ref<const std::string&>().size();
  } else if (value.is_array()) {
    length = value.size();
  } else {
    return fail("can't slice item of type {}", go_type_name(value));
  }
  int64_t bounds[3] = {0, int64_t(length), int64_t(length)};
  for (size_t i = 0; i < indexes.size(); ++i) {
    BERTH_ASSIGN(bounds[i], index_argument(indexes[i], length));
  }
  if (bounds[0] > bounds[1]) return fail("invalid slice index: {} > {}", bounds[0], bounds[1]);
  if (indexes.size() == 3 && bounds[1] > bounds[2]) return fail("invalid slice index: {} > {}", bounds[1], bounds[2]);
  if (value.is_string())
    return string_value(value.get_ref<const std::string&>().substr(size_t(bounds[0]), size_t(bounds[1] - bounds[0])));
  json out = json::array();
  for (int64_t i = bounds[0]; i < bounds[1]; ++i) out.push_back(value[size_t(i)]);
  return TemplateValue::owned(std::move(out));
}

Result<TemplateValue> len_function(Args args) {
  if (args[0].nil()) return fail("len of untyped nil");
  const json& value = args[0].json();
  if (value.is_string()) return TemplateValue::owned(json(int64_t(value.get_ref<const std::string&>().size())));
  if (value.is_array() || value.is_object()) return TemplateValue::owned(json(int64_t(value.size())));
  return fail("len of type {}", go_type_name(value));
}

std::string html_escape(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '\0':
        out += "\xef\xbf\xbd";
        break;
      case '"':
        out += "&#34;";
        break;
      case '\'':
        out += "&#39;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string js_escape(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size();) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      ++i;
      switch (c) {
        case '\\':
          out += "\\\\";
          break;
        case '\'':
          out += "\\'";
          break;
        case '"':
          out += "\\\"";
          break;
        case '<':
          out += "\\x3C";
          break;
        case '>':
          out += "\\x3E";
          break;
        case '&':
          out += "\\x26";
          break;
        case '=':
          out += "\\x3D";
          break;
        default:
          if (c < ' ')
            out += fmt::format("\\u00{:02X}", c);
          else
            out += char(c);
      }
      continue;
    }
    size_t start = i;
    char32_t rune = decode_utf8_rune(text, i);
    bool printable = !(rune >= 0x80 && rune < 0xa0) && rune != 0xad && rune != 0x2028 && rune != 0x2029 &&
                     !(rune == 0xfffd && i - start == 1);
    if (printable)
      out.append(text.substr(start, i - start));
    else
      out += fmt::format("\\u{:04X}", uint32_t(rune));
  }
  return out;
}

std::string url_query_escape(std::string_view text) {
  std::string out;
  for (char c : text) {
    auto byte = static_cast<unsigned char>(c);
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
        c == '.' || c == '~')
      out += c;
    else if (c == ' ')
      out += '+';
    else
      out += fmt::format("%{:02X}", byte);
  }
  return out;
}

char32_t to_upper_rune(char32_t rune);

// strings.Title: the first letter of each word in upper case (ASCII letters only change case).
std::string title_case(std::string_view text) {
  std::string out;
  bool previous_separator = true;
  for (size_t i = 0; i < text.size();) {
    size_t start = i;
    char32_t rune = decode_utf8_rune(text, i);
    std::string_view bytes = text.substr(start, i - start);
    if (previous_separator && !(rune == 0xfffd && bytes.size() == 1))
      append_utf8_rune(out, to_upper_rune(rune));
    else
      out.append(bytes);
    if (rune < 0x80) {
      bool word =
          (rune >= '0' && rune <= '9') || (rune >= 'a' && rune <= 'z') || (rune >= 'A' && rune <= 'Z') || rune == '_';
      previous_separator = !word;
    } else {
      previous_separator = rune == 0x85 || rune == 0xa0 || rune == 0x1680 || (rune >= 0x2000 && rune <= 0x200a) ||
                           rune == 0x2028 || rune == 0x2029 || rune == 0x202f || rune == 0x205f || rune == 0x3000;
    }
  }
  return out;
}

// unicode.ToUpper / ToLower for the scripts people put in names and labels:
// ASCII, Latin-1, Latin Extended-A, Greek and Cyrillic. Other runes are kept.
char32_t to_upper_rune(char32_t r) {
  if (r >= 'a' && r <= 'z') return r - 32;
  if (r < 0x80) return r;
  if ((r >= 0xe0 && r <= 0xfe && r != 0xf7)) return r - 0x20;
  if (r == 0xff) return 0x178;
  if (r == 0xb5) return 0x39c;
  if (r == 0x131) return 'I';
  if (r == 0x17f) return 'S';
  if ((r >= 0x100 && r <= 0x137) || (r >= 0x14a && r <= 0x177)) return r & ~char32_t(1);
  if ((r >= 0x139 && r <= 0x148) || (r >= 0x179 && r <= 0x17e)) return (r % 2 == 0) ? r - 1 : r;
  if (r == 0x3c2) return 0x3a3;
  if (r >= 0x3b1 && r <= 0x3cb) return r - 0x20;
  if (r == 0x3ac) return 0x386;
  if (r >= 0x3ad && r <= 0x3af) return r - 0x25;
  if (r == 0x3cc) return 0x38c;
  if (r == 0x3cd || r == 0x3ce) return r - 0x3f;
  if (r >= 0x430 && r <= 0x44f) return r - 0x20;
  if (r >= 0x450 && r <= 0x45f) return r - 0x50;
  if ((r >= 0x460 && r <= 0x481) || (r >= 0x48a && r <= 0x4bf)) return r & ~char32_t(1);
  return r;
}

char32_t to_lower_rune(char32_t r) {
  if (r >= 'A' && r <= 'Z') return r + 32;
  if (r < 0x80) return r;
  if (r >= 0xc0 && r <= 0xde && r != 0xd7) return r + 0x20;
  if (r == 0x178) return 0xff;
  if (r == 0x130) return 'i';
  if ((r >= 0x100 && r <= 0x137) || (r >= 0x14a && r <= 0x177)) return r | 1;
  if ((r >= 0x139 && r <= 0x148) || (r >= 0x179 && r <= 0x17e)) return (r % 2 == 1) ? r + 1 : r;
  if (r >= 0x391 && r <= 0x3ab && r != 0x3a2) return r + 0x20;
  if (r == 0x386) return 0x3ac;
  if (r >= 0x388 && r <= 0x38a) return r + 0x25;
  if (r == 0x38c) return 0x3cc;
  if (r == 0x38e || r == 0x38f) return r + 0x3f;
  if (r >= 0x410 && r <= 0x42f) return r + 0x20;
  if (r >= 0x400 && r <= 0x40f) return r + 0x50;
  if ((r >= 0x460 && r <= 0x481) || (r >= 0x48a && r <= 0x4bf)) return r | 1;
  return r;
}

std::string map_case(std::string_view text, bool upper) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    size_t start = i;
    char32_t rune = decode_utf8_rune(text, i);
    if (rune == 0xfffd && i - start == 1) {
      out += "\xef\xbf\xbd";  // Go's strings.Map replaces invalid UTF-8 with U+FFFD
      continue;
    }
    append_utf8_rune(out, upper ? to_upper_rune(rune) : to_lower_rune(rune));
  }
  return out;
}

const std::string& str(const TemplateValue& value) { return value.json().get_ref<const std::string&>(); }
int64_t integer(const TemplateValue& value) { return value.json().get<int64_t>(); }

std::vector<TemplateFunction> make_functions(bool header) {
  std::vector<TemplateFunction> functions = {
      // and/or are evaluated lazily by the executor; these entries give their signatures.
      {"and", {P::value, P::value}, true, [](Args args) -> Result<TemplateValue> { return args.back(); }},
      {"or", {P::value, P::value}, true, [](Args args) -> Result<TemplateValue> { return args.back(); }},
      {"not",
       {P::value},
       false,
       [](Args args) -> Result<TemplateValue> { return bool_value(!template_truth(args[0])); }},
      {"len", {P::value}, false, len_function},
      {"index", {P::value, P::value}, true, index_function},
      {"slice", {P::value, P::value}, true, slice_function},
      {"eq",
       {P::value, P::value},
       true,
       [](Args args) -> Result<TemplateValue> {
         BERTH_ASSIGN(bool truth, equal(args));
         return bool_value(truth);
       }},
      {"ne",
       {P::value, P::value},
       false,
       [](Args args) -> Result<TemplateValue> {
         BERTH_ASSIGN(bool truth, equal(args));
         return bool_value(!truth);
       }},
      {"lt",
       {P::value, P::value},
       false,
       [](Args args) -> Result<TemplateValue> {
         BERTH_ASSIGN(bool truth, less(args[0], args[1]));
         return bool_value(truth);
       }},
      {"le",
       {P::value, P::value},
       false,
       [](Args args) -> Result<TemplateValue> {
         BERTH_ASSIGN(bool truth, less_or_equal(args));
         return bool_value(truth);
       }},
      {"gt",
       {P::value, P::value},
       false,
       [](Args args) -> Result<TemplateValue> {
         BERTH_ASSIGN(bool truth, less_or_equal(args));
         return bool_value(!truth);
       }},
      {"ge",
       {P::value, P::value},
       false,
       [](Args args) -> Result<TemplateValue> {
         BERTH_ASSIGN(bool truth, less(args[0], args[1]));
         return bool_value(!truth);
       }},
      {"print",
       {P::any},
       true,
       [](Args args) -> Result<TemplateValue> {
         auto values = as_json_list(args);
         return string_value(go_sprint(values));
       }},
      {"println",
       {P::any},
       true,
       [](Args args) -> Result<TemplateValue> {
         auto values = as_json_list(args);
         return string_value(go_sprintln(values));
       }},
      {"printf",
       {P::string, P::any},
       true,
       [](Args args) -> Result<TemplateValue> {
         auto values = as_json_list(args.subspan(1));
         return string_value(go_sprintf(str(args[0]), values));
       }},
      {"html",
       {P::any},
       true,
       [](Args args) -> Result<TemplateValue> { return string_value(html_escape(sprint_args(args))); }},
      {"js",
       {P::any},
       true,
       [](Args args) -> Result<TemplateValue> { return string_value(js_escape(sprint_args(args))); }},
      {"urlquery",
       {P::any},
       true,
       [](Args args) -> Result<TemplateValue> { return string_value(url_query_escape(sprint_args(args))); }},
      {"call",
       {P::value, P::value},
       true,
       [](Args args) -> Result<TemplateValue> {
         if (args[0].nil()) return fail("call of nil");
         return fail("non-function of type {}", go_type_name(args[0].json()));
       }},
      {"pad",
       {P::string, P::integer, P::integer},
       false,
       [](Args args) -> Result<TemplateValue> {
         const std::string& text = str(args[0]);
         if (text.empty()) return string_value("");
         int64_t prefix = integer(args[1]), suffix = integer(args[2]);
         if (prefix < 0 || suffix < 0) return fail("strings: negative Repeat count");
         if (prefix > max_pad || suffix > max_pad) return fail("pad of more than {} spaces", max_pad);
         return string_value(std::string(size_t(prefix), ' ') + text + std::string(size_t(suffix), ' '));
       }},
  };
  if (header) {
    // docker's HeaderFunctions: a table header shows the column name, not the function applied to it.
    auto identity = [](Args args) -> Result<TemplateValue> { return args[0]; };
    functions.push_back({"json", {P::string}, false, identity});
    functions.push_back({"split", {P::string, P::string}, false, identity});
    functions.push_back({"join", {P::string, P::string}, false, identity});
    functions.push_back({"title", {P::string}, false, identity});
    functions.push_back({"lower", {P::string}, false, identity});
    functions.push_back({"upper", {P::string}, false, identity});
    functions.push_back({"truncate", {P::string, P::integer}, false, identity});
    return functions;
  }
  functions.push_back({"json", {P::any}, false, [](Args args) -> Result<TemplateValue> {
                         return string_value(go_json_compact(args[0].json(), /*escape_html=*/false));
                       }});
  functions.push_back({"split", {P::string, P::string}, false, [](Args args) -> Result<TemplateValue> {
                         const std::string& text = str(args[0]);
                         const std::string& separator = str(args[1]);
                         json parts = json::array();
                         if (separator.empty()) {
                           // strings.Split with "" splits after each UTF-8 sequence.
                           for (size_t i = 0; i < text.size();) {
                             size_t start = i;
                             decode_utf8_rune(text, i);
                             parts.push_back(text.substr(start, i - start));
                           }
                           return TemplateValue::owned(std::move(parts));
                         }
                         size_t start = 0;
                         while (true) {
                           size_t found = text.find(separator, start);
                           if (found == std::string::npos) break;
                           parts.push_back(text.substr(start, found - start));
                           start = found + separator.size();
                         }
                         parts.push_back(text.substr(start));
                         return TemplateValue::owned(std::move(parts));
                       }});
  functions.push_back({"join", {P::string_list, P::string}, false, [](Args args) -> Result<TemplateValue> {
                         std::string out;
                         const json& list = args[0].json();
                         for (size_t i = 0; i < list.size(); ++i) {
                           if (i > 0) out += str(args[1]);
                           out += list[i].get_ref<const std::string&>();
                         }
                         return string_value(std::move(out));
                       }});
  functions.push_back({"title", {P::string}, false, [](Args args) -> Result<TemplateValue> {
                         return string_value(title_case(str(args[0])));
                       }});
  functions.push_back({"lower", {P::string}, false, [](Args args) -> Result<TemplateValue> {
                         return string_value(map_case(str(args[0]), false));
                       }});
  functions.push_back({"upper", {P::string}, false, [](Args args) -> Result<TemplateValue> {
                         return string_value(map_case(str(args[0]), true));
                       }});
  functions.push_back({"truncate", {P::string, P::integer}, false, [](Args args) -> Result<TemplateValue> {
                         const std::string& text = str(args[0]);
                         int64_t length = integer(args[1]);
                         if (int64_t(text.size()) < length) return args[0];
                         if (length < 0) return fail("runtime error: slice bounds out of range [:{}]", length);
                         return string_value(text.substr(0, size_t(length)));
                       }});
  return functions;
}

}  // namespace

const json& TemplateValue::json() const { return value_ ? *value_ : null_json; }

bool template_truth(const TemplateValue& value) {
  if (value.nil()) return false;
  const json& v = value.json();
  switch (v.type()) {
    case json::value_t::boolean:
      return v.get<bool>();
    case json::value_t::string:
      return !v.get_ref<const std::string&>().empty();
    case json::value_t::array:
    case json::value_t::object:
      return !v.empty();
    case json::value_t::number_integer:
      return v.get<int64_t>() != 0;
    case json::value_t::number_unsigned:
      return v.get<uint64_t>() != 0;
    case json::value_t::number_float:
      return v.get<double>() != 0;
    default:
      return false;
  }
}

std::string_view param_type_name(ParamType type) {
  switch (type) {
    case ParamType::any:
      return "interface {}";
    case ParamType::value:
      return "reflect.Value";
    case ParamType::string:
      return "string";
    case ParamType::integer:
      return "int";
    case ParamType::string_list:
      return "[]string";
  }
  return "";
}

const TemplateFunction* find_template_function(std::string_view name, bool header_mode) {
  static const std::vector<TemplateFunction> basic = make_functions(false);
  static const std::vector<TemplateFunction> header = make_functions(true);
  const auto& functions = header_mode ? header : basic;
  for (const auto& function : functions)
    if (function.name == name) return &function;
  if (header_mode) return find_template_function(name, false);
  return nullptr;
}

bool is_template_function(std::string_view name) { return find_template_function(name, false) != nullptr; }

}  // namespace berth::cli
