// Go text/template for every --format and inspect -f, as docker's CLI runs
// them: Go's template language (actions with {{- -}} trimming, comments,
// fields, variables, pipelines, if/else if/else, range with break/continue,
// with, literals) with Go's builtins and docker's json, split, join, title,
// lower, upper, pad and truncate. Data is JSON (inspect objects, list rows)
// and prints as Go prints decoded JSON (go_print.h). Parse errors mean
// nothing is printed; errors read like Go's:
//   template: :1: function "foo" not defined
//   template: :1:2: executing "" at <.Foo>: can't evaluate field Foo
// Not supported: {{define}}, {{template}} and {{block}} (a --format string
// is one template), complex numbers, and methods (the data has none).
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "cli/go_print.h"

namespace berth::cli {

struct TemplateNode;

struct TemplateOptions {
  // A field the data does not have is an error, as on docker's typed list
  // rows ("can't evaluate field Foo"); otherwise it prints "<no value>", as on
  // a Go map (inspect's raw JSON).
  bool strict_fields = false;
  // {{json .}} of the whole value escapes <, > and & as docker's list rows do
  // (they marshal themselves with encoding/json); {{json .X}} never does.
  bool escape_html_in_root_json = false;
  // docker's header functions: json, split, join, title, lower, upper and
  // truncate return their first argument, so a table header stays the name.
  bool header_functions = false;
};

class Template {
 public:
  static Result<Template> parse(std::string_view text);
  Result<std::string> execute(const nlohmann::json& data, const TemplateOptions& options = {}) const;
  // What Go's writer holds when execution stops: everything written before an
  // error, if any (docker prints a table header even when its template fails on it).
  std::string execute_ignoring_errors(const nlohmann::json& data, const TemplateOptions& options = {}) const;

 private:
  std::string source_;
  std::shared_ptr<const std::vector<TemplateNode>> tree_;
};

}  // namespace berth::cli
