#include "cli/go_template.h"

#include "cli/go_template_exec.h"
#include "cli/go_template_functions.h"
#include "cli/go_template_parser.h"

namespace berth::cli {

namespace {

ExecOptions exec_options(const TemplateOptions& options) {
  return ExecOptions{.strict_fields = options.strict_fields,
                     .escape_html_in_root_json = options.escape_html_in_root_json,
                     .header_functions = options.header_functions};
}

}  // namespace

Result<Template> Template::parse(std::string_view text) {
  BERTH_ASSIGN(auto tree, parse_template_tree(text, is_template_function));
  Template parsed;
  parsed.source_ = std::string(text);
  parsed.tree_ = std::make_shared<const std::vector<TemplateNode>>(std::move(tree));
  return parsed;
}

Result<std::string> Template::execute(const nlohmann::json& data, const TemplateOptions& options) const {
  std::string out;
  BERTH_TRY(execute_template_tree(*tree_, source_, data, exec_options(options), out));
  return out;
}

std::string Template::execute_ignoring_errors(const nlohmann::json& data, const TemplateOptions& options) const {
  std::string out;
  (void)execute_template_tree(*tree_, source_, data, exec_options(options), out);
  return out;
}

}  // namespace berth::cli
