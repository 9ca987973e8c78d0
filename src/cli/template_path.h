// The seed of the Go template engine that --format and inspect -f will get.
// Today it understands literal text around these actions only:
//   {{.}}  {{.Field}}  {{.A.B.C}}  {{json .}}  {{json .A.B}}
// with Go's {{- and -}} whitespace trimming. Values come from JSON (inspect
// objects, list rows) and print as Go's text/template prints decoded JSON:
// strings bare, arrays "[a b]", objects "map[k:v]", null "<nil>", a missing
// key "<no value>". Anything else is a parse error naming the action, so a
// template that would mean something else under Go is never half-applied.
// When the full engine lands (pipelines, if/range, functions), this parser and
// evaluator are what it grows from; callers keep the same interface.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace berth::cli {

struct TemplateOptions {
  // A field the data does not have is an error, as on docker's typed list
  // rows ("can't evaluate field Foo"); otherwise it prints "<no value>", as on
  // a Go map (inspect's raw JSON).
  bool strict_fields = false;
  // {{json .}} of the whole value escapes <, > and & as docker's list rows do
  // (they marshal themselves with encoding/json); {{json .X}} never does.
  bool escape_html_in_root_json = false;
};

class Template {
 public:
  // Errors read like Go's: `template: :1: function "foo" not defined`.
  static Result<Template> parse(std::string_view text);
  Result<std::string> execute(const nlohmann::json& data, const TemplateOptions& options = {}) const;

 private:
  struct Action {
    std::vector<std::string> path;  // empty: "." itself
    bool json = false;
    std::string source;  // the action as written, for error messages
  };
  struct Piece {
    std::string text;
    std::optional<Action> action;
  };
  std::vector<Piece> pieces_;
};

// Go's fmt "%v" of a value decoded from JSON.
std::string go_print_value(const nlohmann::json& value);

}  // namespace berth::cli
