#include "cli/list_format.h"

#include "cli/go_json.h"
#include "cli/go_template.h"
#include "cli/table_writer.h"

namespace berth::cli {

namespace {

std::string unescape_tabs_and_newlines(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 1 < text.size() && (text[i + 1] == 't' || text[i + 1] == 'n')) {
      out += text[i + 1] == 't' ? '\t' : '\n';
      ++i;
    } else {
      out += text[i];
    }
  }
  return out;
}

std::string_view trim_spaces(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  return text;
}

struct ResolvedFormat {
  bool json = false;
  bool table = false;
  std::string template_text;
};

ResolvedFormat resolve(std::string_view format, std::string_view default_table) {
  if (format.empty() || format == "table") format = default_table;
  if (format == "json") return {.json = true};
  ResolvedFormat resolved;
  if (format.starts_with("table")) {
    resolved.table = true;
    format.remove_prefix(5);
  }
  resolved.template_text = unescape_tabs_and_newlines(trim_spaces(format));
  return resolved;
}

Result<Template> parse_template(std::string_view text) {
  auto parsed = Template::parse(text);
  if (!parsed) return fail("template parsing error: {}", parsed.error().message);
  return parsed;
}

}  // namespace

Status check_list_format(std::string_view format) {
  ResolvedFormat resolved = resolve(format, "table");
  if (resolved.json) return {};
  BERTH_TRY(parse_template(resolved.template_text));
  return {};
}

Result<std::string> render_list(std::string_view format, const ListFormat& list,
                                const std::vector<nlohmann::json>& rows) {
  ResolvedFormat resolved = resolve(format, list.default_table);
  std::string out;
  if (resolved.json) {
    for (const auto& row : rows) out += go_json_compact(row, /*escape_html=*/true) + "\n";
    return out;
  }
  BERTH_ASSIGN(Template row_template, parse_template(resolved.template_text));
  const TemplateOptions options{.strict_fields = true, .escape_html_in_root_json = true};
  // Every row first: a failing row means no output at all, as docker buffers before printing.
  std::vector<std::string> lines;
  for (const auto& row : rows) {
    auto line = row_template.execute(row, options);
    if (!line) return fail("template parsing error: {}", line.error().message);
    lines.push_back(std::move(*line));
  }
  if (!resolved.table) {
    for (const auto& line : lines) out += line + "\n";
    return out;
  }
  // The header is the same template over the field -> header map, with docker's
  // header functions; docker ignores a failure there and keeps what was written.
  TableWriter table;
  table.add_line(row_template.execute_ignoring_errors(*list.headers, TemplateOptions{.header_functions = true}));
  for (const auto& line : lines) table.add_line(line);
  return table.str();
}

}  // namespace berth::cli
