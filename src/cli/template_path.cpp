#include "cli/template_path.h"

#include <fmt/format.h>

#include <cctype>
#include <cmath>

#include "cli/go_json.h"

namespace berth::cli {

namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::string_view trim(std::string_view text) {
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

std::vector<std::string_view> split_words(std::string_view text) {
  std::vector<std::string_view> words;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && is_space(text[i])) ++i;
    size_t start = i;
    while (i < text.size() && !is_space(text[i])) ++i;
    if (i > start) words.push_back(text.substr(start, i - start));
  }
  return words;
}

bool is_identifier(std::string_view name) {
  if (name.empty() || std::isdigit(static_cast<unsigned char>(name[0]))) return false;
  for (char c : name)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  return true;
}

// ".A.B" → {"A", "B"}; "." → {}.
std::optional<std::vector<std::string>> parse_field_path(std::string_view word) {
  if (word == ".") return std::vector<std::string>{};
  if (word.size() < 2 || word[0] != '.') return std::nullopt;
  std::vector<std::string> path;
  size_t start = 1;
  while (start <= word.size()) {
    size_t dot = word.find('.', start);
    std::string_view name = word.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (!is_identifier(name)) return std::nullopt;
    path.emplace_back(name);
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return path;
}

std::string go_type_name(const nlohmann::json& value) {
  switch (value.type()) {
    case nlohmann::json::value_t::string:
      return "string";
    case nlohmann::json::value_t::boolean:
      return "bool";
    case nlohmann::json::value_t::array:
      return "[]interface {}";
    case nlohmann::json::value_t::object:
      return "map[string]interface {}";
    case nlohmann::json::value_t::null:
      return "interface {}";
    default:
      return "float64";
  }
}

std::string go_print_number(const nlohmann::json& value) {
  if (value.is_number_integer()) return value.dump();
  double number = value.get<double>();
  // Go's %v: shortest representation, exponent form from 1e21 up or below 1e-4.
  if (std::isfinite(number) && number == std::trunc(number) && std::fabs(number) < 1e21)
    return fmt::format("{:.0f}", number);
  return fmt::format("{}", number);
}

}  // namespace

std::string go_print_value(const nlohmann::json& value) {
  switch (value.type()) {
    case nlohmann::json::value_t::string:
      return value.get<std::string>();
    case nlohmann::json::value_t::boolean:
      return value.get<bool>() ? "true" : "false";
    case nlohmann::json::value_t::null:
      return "<nil>";
    case nlohmann::json::value_t::array: {
      std::string out = "[";
      for (size_t i = 0; i < value.size(); ++i) {
        if (i > 0) out += ' ';
        out += go_print_value(value[i]);
      }
      return out + "]";
    }
    case nlohmann::json::value_t::object: {
      std::string out = "map[";
      bool first = true;
      for (const auto& [key, item] : value.items()) {  // nlohmann::json keeps keys sorted, as Go prints maps
        if (!first) out += ' ';
        first = false;
        out += key + ":" + go_print_value(item);
      }
      return out + "]";
    }
    default:
      return go_print_number(value);
  }
}

Result<Template> Template::parse(std::string_view text) {
  Template parsed;
  std::string literal;
  bool trim_next_left = false;
  size_t position = 0;
  while (position <= text.size()) {
    size_t open = text.find("{{", position);
    std::string_view chunk =
        text.substr(position, open == std::string_view::npos ? std::string_view::npos : open - position);
    if (trim_next_left)
      while (!chunk.empty() && is_space(chunk.front())) chunk.remove_prefix(1);
    trim_next_left = false;
    literal += chunk;
    if (open == std::string_view::npos) break;

    size_t close = text.find("}}", open + 2);
    if (close == std::string_view::npos) return fail("template: :1: unclosed action");
    std::string_view inside = text.substr(open + 2, close - open - 2);
    // "{{- " trims the text before, " -}}" the text after (the space is required, as in Go).
    if (inside.size() >= 2 && inside[0] == '-' && is_space(inside[1])) {
      while (!literal.empty() && is_space(literal.back())) literal.pop_back();
      inside.remove_prefix(1);
    }
    if (inside.size() >= 2 && inside.back() == '-' && is_space(inside[inside.size() - 2])) {
      trim_next_left = true;
      inside.remove_suffix(1);
    }
    position = close + 2;

    std::string_view action_text = trim(inside);
    if (action_text.starts_with("/*") && action_text.ends_with("*/")) continue;  // a comment
    auto words = split_words(action_text);
    if (words.empty()) return fail("template: :1: missing value for command");
    Action action{.source = std::string(action_text)};
    std::string_view path_word = words[0];
    if (words[0] == "json") {
      if (words.size() != 2)
        return fail("template: :1: {{{{{}}}}}: only {{{{json .Field}}}} is supported until the template engine lands",
                    action_text);
      action.json = true;
      path_word = words[1];
    } else if (words.size() != 1) {
      return fail(
          "template: :1: {{{{{}}}}}: only {{{{.Field}}}} and {{{{json .Field}}}} are supported until the "
          "template engine lands",
          action_text);
    }
    auto path = parse_field_path(path_word);
    if (!path) {
      if (is_identifier(path_word)) return fail("template: :1: function \"{}\" not defined", path_word);
      return fail(
          "template: :1: {{{{{}}}}}: only {{{{.Field}}}} and {{{{json .Field}}}} are supported until the "
          "template engine lands",
          action_text);
    }
    action.path = std::move(*path);
    parsed.pieces_.push_back({std::move(literal), std::move(action)});
    literal.clear();
  }
  if (!literal.empty()) parsed.pieces_.push_back({std::move(literal), std::nullopt});
  return parsed;
}

Result<std::string> Template::execute(const nlohmann::json& data, const TemplateOptions& options) const {
  std::string out;
  for (const Piece& piece : pieces_) {
    out += piece.text;
    if (!piece.action) continue;
    const Action& action = *piece.action;
    const nlohmann::json* value = &data;
    bool missing = false;
    for (const std::string& field : action.path) {
      if (!value->is_object())
        return fail("template: :1: executing \"\" at <{}>: can't evaluate field {} in type {}", action.source, field,
                    go_type_name(*value));
      auto found = value->find(field);
      if (found == value->end()) {
        if (options.strict_fields)
          return fail("template: :1: executing \"\" at <{}>: can't evaluate field {}", action.source, field);
        missing = true;
        break;
      }
      value = &*found;
    }
    if (action.json) {
      bool escape = options.escape_html_in_root_json && action.path.empty();
      out += missing ? "null" : go_json_compact(*value, escape);
    } else {
      out += missing ? "<no value>" : go_print_value(*value);
    }
  }
  return out;
}

}  // namespace berth::cli
