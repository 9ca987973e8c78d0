// The parse tree of a Go text/template and the parser that builds it, with
// the node kinds and error messages of Go's text/template/parse: "unexpected
// {{end}}", "function \"foo\" not defined", "undefined variable \"$x\"",
// "missing value for if", ... A template nested deeper than
// max_template_nesting (parentheses and if/range/with blocks together) is
// rejected, so neither parsing nor executing recurses without bound.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace berth::cli {

inline constexpr int max_template_nesting = 100;

struct PipeNode;

struct NumberLiteral {
  bool is_int = false, is_uint = false, is_float = false;
  bool is_char = false;
  int64_t int_value = 0;
  uint64_t uint_value = 0;
  double float_value = 0;
};

// An operand of a command.
struct ArgNode {
  enum class Kind { field, variable, dot, nil, boolean, number, string, identifier, chain, pipe };
  Kind kind = Kind::dot;
  size_t pos = 0;
  // field: the names ({"A","B"} for .A.B); variable: "$x" then names; chain: the names after the base.
  std::vector<std::string> idents;
  std::string text;  // as written: number and string literals, identifier names
  std::string string_value;
  bool bool_value = false;
  NumberLiteral number;
  std::unique_ptr<PipeNode> pipe;  // pipe: the parenthesised pipeline
  std::unique_ptr<ArgNode> base;   // chain: what the fields apply to, e.g. (pipeline).A
};

struct CommandNode {
  size_t pos = 0;
  std::vector<ArgNode> args;
};

struct VariableDecl {
  size_t pos = 0;
  std::string name;
};

struct PipeNode {
  size_t pos = 0;
  bool is_assign = false;  // "$x = ..." rather than "$x := ..."
  std::vector<VariableDecl> decls;
  std::vector<CommandNode> commands;
};

struct TemplateNode {
  enum class Kind { text, action, if_, range, with, break_, continue_ };
  Kind kind = Kind::text;
  size_t pos = 0;
  std::string text;
  std::unique_ptr<PipeNode> pipe;
  std::vector<TemplateNode> list;
  std::vector<TemplateNode> else_list;
  bool has_else = false;
};

// Go's Node.String(), used as the "<...>" context of execution errors.
std::string to_string(const ArgNode& node);
std::string to_string(const CommandNode& node);
std::string to_string(const PipeNode& node);

// Errors read like Go's: "template: :LINE: message".
Result<std::vector<TemplateNode>> parse_template_tree(std::string_view text,
                                                      const std::function<bool(std::string_view)>& is_function);

}  // namespace berth::cli
