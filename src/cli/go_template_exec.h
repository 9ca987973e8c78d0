// Executes a parsed Go text/template over JSON data with Go's semantics:
// fields of objects (a missing key is "<no value>"), variables and their
// scopes, if/else, range over arrays, objects (sorted keys) and integers,
// with, break/continue, pipelines feeding the last argument of the next
// command, and Go's execution errors:
//   template: :1:2: executing "" at <.Foo.Bar>: can't evaluate field Bar in type string
// Execution is bounded: output beyond max_output bytes or more than
// max_steps evaluation steps ends it with an error instead of running away.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "cli/go_template_parser.h"

namespace berth::cli {

struct ExecOptions {
  bool strict_fields = false;
  bool escape_html_in_root_json = false;
  bool header_functions = false;
  size_t max_output = size_t(64) << 20;
  uint64_t max_steps = 10'000'000;
};

// On failure `out` keeps what was written before the error, as Go's writer would have it.
Status execute_template_tree(const std::vector<TemplateNode>& tree, std::string_view source, const nlohmann::json& data,
                             const ExecOptions& options, std::string& out);

}  // namespace berth::cli
