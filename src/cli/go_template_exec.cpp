#include "cli/go_template_exec.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <optional>

#include "cli/go_json.h"
#include "cli/go_print.h"
#include "cli/go_template_functions.h"

namespace berth::cli {

namespace {

using json = nlohmann::json;

// As in Go's executor, an execution error unwinds the walk at once; it never
// leaves execute_template_tree, which returns it as an Error value.
struct ExecError {
  std::string message;
};

// The piped value from the previous command: absent for the first command.
using Final = std::optional<TemplateValue>;

enum class Flow { normal, break_loop, continue_loop };

class Executor {
 public:
  Executor(std::string_view source, const json& data, const ExecOptions& options, std::string& out)
      : source_(source), root_(data), options_(options), out_(out) {
    variables_.push_back({"$", TemplateValue::borrowed(data)});
  }

  void run(const std::vector<TemplateNode>& tree) { walk_list(TemplateValue::borrowed(root_), tree); }

 private:
  // The node Go's state.at() would point to: the "<...>" of an error message.
  struct Where {
    size_t pos = 0;
    const ArgNode* arg = nullptr;
    const CommandNode* command = nullptr;
    const PipeNode* pipe = nullptr;
  };

  void at(const ArgNode& node) { where_ = {.pos = node.pos, .arg = &node}; }
  void at(const CommandNode& node) { where_ = {.pos = node.pos, .command = &node}; }
  void at(const PipeNode& node) { where_ = {.pos = node.pos, .pipe = &node}; }

  template <class... Args>
  [[noreturn]] void error(fmt::format_string<Args...> format, Args&&... args) {
    std::string message = fmt::format(format, std::forward<Args>(args)...);
    if (!where_.arg && !where_.command && !where_.pipe) throw ExecError{"template: : " + message};
    std::string context = where_.arg       ? to_string(*where_.arg)
                          : where_.command ? to_string(*where_.command)
                                           : to_string(*where_.pipe);
    std::string_view before = source_.substr(0, std::min(where_.pos, source_.size()));
    size_t line = 1 + size_t(std::count(before.begin(), before.end(), '\n'));
    size_t newline = before.rfind('\n');
    size_t column = newline == std::string_view::npos ? where_.pos : where_.pos - (newline + 1);
    throw ExecError{fmt::format("template: :{}:{}: executing \"\" at <{}>: {}", line, column, context, message)};
  }

  void step() {
    if (++steps_ > options_.max_steps)
      throw ExecError{fmt::format("template: execution stopped after {} steps", options_.max_steps)};
  }

  void write(std::string_view text) {
    if (out_.size() + text.size() > options_.max_output)
      throw ExecError{fmt::format("template: output exceeds {} MiB", options_.max_output >> 20)};
    out_ += text;
  }

  // Variables.
  TemplateValue variable_value(const std::string& name) {
    for (auto it = variables_.rbegin(); it != variables_.rend(); ++it)
      if (it->first == name) return it->second;
    error("undefined variable: {}", name);
  }
  void set_variable(const std::string& name, TemplateValue value) {
    for (auto it = variables_.rbegin(); it != variables_.rend(); ++it) {
      if (it->first == name) {
        it->second = std::move(value);
        return;
      }
    }
    error("undefined variable: {}", name);
  }
  void set_top_variable(size_t n, TemplateValue value) { variables_[variables_.size() - n].second = std::move(value); }

  // Walking the tree.
  Flow walk_list(const TemplateValue& dot, const std::vector<TemplateNode>& list) {
    for (const TemplateNode& node : list) {
      Flow flow = walk(dot, node);
      if (flow != Flow::normal) return flow;
    }
    return Flow::normal;
  }

  Flow walk(const TemplateValue& dot, const TemplateNode& node) {
    step();
    switch (node.kind) {
      case TemplateNode::Kind::text:
        write(node.text);
        return Flow::normal;
      case TemplateNode::Kind::action: {
        // Variables declared by an action live until the end of the enclosing block.
        TemplateValue value = eval_pipeline(dot, *node.pipe);
        if (node.pipe->decls.empty()) write(value.missing() ? "<no value>" : go_print_value(value.json()));
        return Flow::normal;
      }
      case TemplateNode::Kind::if_:
      case TemplateNode::Kind::with: {
        size_t mark = variables_.size();
        TemplateValue value = eval_pipeline(dot, *node.pipe);
        Flow flow = Flow::normal;
        if (template_truth(value))
          flow = walk_list(node.kind == TemplateNode::Kind::with ? value : dot, node.list);
        else if (node.has_else)
          flow = walk_list(dot, node.else_list);
        variables_.resize(mark);
        return flow;
      }
      case TemplateNode::Kind::range:
        walk_range(dot, node);
        return Flow::normal;
      case TemplateNode::Kind::break_:
        return Flow::break_loop;
      case TemplateNode::Kind::continue_:
        return Flow::continue_loop;
    }
    return Flow::normal;
  }

  void walk_range(const TemplateValue& dot, const TemplateNode& node) {
    size_t mark = variables_.size();
    TemplateValue value = eval_pipeline(dot, *node.pipe);
    const PipeNode& pipe = *node.pipe;
    size_t body_mark = variables_.size();
    // Returns false when the body says {{break}}.
    auto iteration = [&](const TemplateValue& index, const TemplateValue& element) {
      if (!pipe.decls.empty()) {
        if (pipe.is_assign)
          set_variable(pipe.decls[0].name, pipe.decls.size() > 1 ? index : element);
        else
          set_top_variable(1, element);
      }
      if (pipe.decls.size() > 1) {
        if (pipe.is_assign)
          set_variable(pipe.decls[1].name, element);
        else
          set_top_variable(2, index);
      }
      step();
      Flow flow = walk_list(element, node.list);
      variables_.resize(body_mark);
      return flow != Flow::break_loop;
    };
    bool ran = false;
    const json& collection = value.json();
    if (!value.missing() && collection.is_array()) {
      for (size_t i = 0; i < collection.size(); ++i) {
        ran = true;
        if (!iteration(TemplateValue::owned(json(int64_t(i))), value.member(collection[i]))) break;
      }
    } else if (!value.missing() && collection.is_object()) {
      for (const auto& [key, item] : collection.items()) {  // sorted keys, as Go ranges over a map
        ran = true;
        if (!iteration(TemplateValue::owned(json(key)), value.member(item))) break;
      }
    } else if (!value.missing() && collection.is_number_integer()) {
      if (pipe.decls.size() > 1)
        error("can't use {} to iterate over more than one variable", go_print_value(collection));
      int64_t count = collection.is_number_unsigned()
                          ? int64_t(std::min<uint64_t>(collection.get<uint64_t>(), INT64_MAX))
                          : collection.get<int64_t>();
      for (int64_t i = 0; i < count; ++i) {
        ran = true;
        TemplateValue number = TemplateValue::owned(json(i));
        if (!iteration(number, number)) break;
      }
    } else if (!value.nil()) {
      // JSON null stands for docker's nil slices and maps: nothing to iterate, not an error.
      error("range can't iterate over {}", go_print_value(collection));
    }
    if (!ran && node.has_else) walk_list(dot, node.else_list);
    variables_.resize(mark);
  }

  // Evaluation.
  TemplateValue eval_pipeline(const TemplateValue& dot, const PipeNode& pipe) {
    at(pipe);
    Final value;
    for (const CommandNode& command : pipe.commands) value = eval_command(dot, command, value);
    TemplateValue result = value ? *value : TemplateValue();
    for (const VariableDecl& decl : pipe.decls) {
      if (pipe.is_assign)
        set_variable(decl.name, result);
      else
        variables_.push_back({decl.name, result});
    }
    return result;
  }

  void not_a_function(const std::vector<ArgNode>& args, const Final& final) {
    if (args.size() > 1 || final) error("can't give argument to non-function {}", to_string(args[0]));
  }

  TemplateValue eval_command(const TemplateValue& dot, const CommandNode& command, const Final& final) {
    step();
    const ArgNode& first = command.args[0];
    switch (first.kind) {
      case ArgNode::Kind::field:
        return eval_field_node(dot, first, command.args, final);
      case ArgNode::Kind::chain:
        return eval_chain_node(dot, first, command.args, final);
      case ArgNode::Kind::identifier:
        return eval_function(dot, first, &command, command.args, final);
      case ArgNode::Kind::pipe:
        not_a_function(command.args, final);
        return eval_pipeline(dot, *first.pipe);
      case ArgNode::Kind::variable:
        return eval_variable_node(dot, first, command.args, final);
      default:
        break;
    }
    at(first);
    not_a_function(command.args, final);
    switch (first.kind) {
      case ArgNode::Kind::boolean:
        return TemplateValue::owned(json(first.bool_value));
      case ArgNode::Kind::dot:
        return dot;
      case ArgNode::Kind::nil:
        error("nil is not a command");
      case ArgNode::Kind::number:
        return ideal_constant(first);
      case ArgNode::Kind::string:
        return TemplateValue::owned(json(first.string_value));
      default:
        error("can't evaluate command {}", go_quote(to_string(first)));
    }
  }

  // A number literal used as a value: an int, or a float64 when written with '.', an exponent or 'p'.
  TemplateValue ideal_constant(const ArgNode& node) {
    const NumberLiteral& n = node.number;
    const std::string& text = node.text;
    bool hex_int =
        text.size() > 2 && text[0] == '0' && (text[1] | 0x20) == 'x' && text.find_first_of("pP") == std::string::npos;
    if (!n.is_char && n.is_float && !hex_int && text.find_first_of(".eEpP") != std::string::npos)
      return TemplateValue::owned(json(n.float_value));
    if (n.is_int) return TemplateValue::owned(json(n.int_value));
    if (n.is_uint) error("{} overflows int", text);
    return TemplateValue();
  }

  TemplateValue eval_field_node(const TemplateValue& dot, const ArgNode& field, const std::vector<ArgNode>& args,
                                const Final& final) {
    at(field);
    return eval_field_chain(dot, field.idents, 0, args, final);
  }

  TemplateValue eval_variable_node(const TemplateValue&, const ArgNode& variable, const std::vector<ArgNode>& args,
                                   const Final& final) {
    at(variable);
    TemplateValue value = variable_value(variable.idents[0]);
    if (variable.idents.size() == 1) {
      not_a_function(args, final);
      return value;
    }
    return eval_field_chain(value, variable.idents, 1, args, final);
  }

  TemplateValue eval_chain_node(const TemplateValue& dot, const ArgNode& chain, const std::vector<ArgNode>& args,
                                const Final& final) {
    at(chain);
    if (chain.base->kind == ArgNode::Kind::nil) error("indirection through explicit nil in {}", to_string(chain));
    TemplateValue base = eval_arg(dot, ParamType::any, *chain.base, /*keep_missing=*/true);
    at(chain);
    return eval_field_chain(base, chain.idents, 0, args, final);
  }

  TemplateValue eval_field_chain(TemplateValue receiver, const std::vector<std::string>& idents, size_t from,
                                 const std::vector<ArgNode>& args, const Final& final) {
    static const std::vector<ArgNode> no_args;
    for (size_t i = from; i + 1 < idents.size(); ++i) receiver = eval_field(idents[i], no_args, Final(), receiver);
    return eval_field(idents.back(), args, final, receiver);
  }

  TemplateValue eval_field(const std::string& name, const std::vector<ArgNode>& args, const Final& final,
                           const TemplateValue& receiver) {
    if (receiver.missing()) return TemplateValue();
    const json& value = receiver.json();
    if (value.is_object()) {
      if (args.size() > 1 || final) error("{} is not a method but has arguments", name);
      auto found = value.find(name);
      if (found != value.end()) return receiver.member(*found);
      if (options_.strict_fields) error("can't evaluate field {}", name);
      return TemplateValue();
    }
    if (value.is_null()) {
      // docker's typed data has nil maps here, where a lookup finds nothing.
      if (options_.strict_fields) error("nil pointer evaluating interface {{}}.{}", name);
      return TemplateValue();
    }
    error("can't evaluate field {} in type {}", name, go_type_name(value));
  }

  TemplateValue eval_function(const TemplateValue& dot, const ArgNode& identifier, const CommandNode* command,
                              const std::vector<ArgNode>& args, const Final& final) {
    at(identifier);
    const TemplateFunction* function = find_template_function(identifier.text, options_.header_functions);
    if (!function) error("{} is not a defined function", go_quote(identifier.text));
    return eval_call(dot, *function, identifier, command, args, final);
  }

  TemplateValue eval_call(const TemplateValue& dot, const TemplateFunction& function, const ArgNode& identifier,
                          const CommandNode* command, const std::vector<ArgNode>& args, const Final& final) {
    // args[0] names the function; a bare identifier used as an argument has none.
    const size_t given = args.empty() ? 0 : args.size() - 1;
    const size_t count = given + (final ? 1 : 0);
    const size_t params = function.params.size();
    if (function.variadic) {
      if (count < params - 1)
        error("wrong number of args for {}: want at least {} got {}", function.name, params - 1, given);
    } else if (count != params) {
      error("wrong number of args for {}: want {} got {}", function.name, params, count);
    }
    auto param = [&](size_t i) { return i < params ? function.params[i] : function.params.back(); };

    if (function.name == "and" || function.name == "or") {
      // Go's and/or stop at the first argument that decides the result.
      const bool want = function.name == "or";
      TemplateValue value;
      for (size_t i = 1; i < args.size(); ++i) {
        value = eval_arg(dot, ParamType::value, args[i]);
        if (template_truth(value) == want) return value;
      }
      if (final) value = *final;
      return value;
    }

    std::vector<TemplateValue> argv;
    argv.reserve(count);
    for (size_t i = 1; i < args.size(); ++i) argv.push_back(eval_arg(dot, param(i - 1), args[i]));
    if (final) argv.push_back(validate_type(*final, param(count - 1)));

    Result<TemplateValue> result = [&]() -> Result<TemplateValue> {
      if (function.name == "json" && !options_.header_functions && options_.escape_html_in_root_json &&
          argv[0].address() == &root_)
        return TemplateValue::owned(json(go_json_compact(root_, /*escape_html=*/true)));
      return function.call(argv);
    }();
    if (!result) {
      if (command)
        at(*command);
      else
        at(identifier);
      error("error calling {}: {}", function.name, result.error().message);
    }
    return std::move(*result);
  }

  TemplateValue validate_type(const TemplateValue& value, ParamType type) {
    if (value.nil()) {
      switch (type) {
        case ParamType::any:
          return TemplateValue::owned(json(nullptr));
        case ParamType::value:
          return value;
        case ParamType::string_list:
          return TemplateValue::owned(json::array());
        default:
          error("invalid value; expected {}", param_type_name(type));
      }
    }
    const json& v = value.json();
    bool ok = true;
    switch (type) {
      case ParamType::string:
        ok = v.is_string();
        break;
      case ParamType::integer:
        ok = v.is_number_integer();
        break;
      case ParamType::string_list:
        ok = v.is_array() && std::all_of(v.begin(), v.end(), [](const json& item) { return item.is_string(); });
        break;
      default:
        break;
    }
    if (!ok) error("wrong type for value; expected {}; got {}", param_type_name(type), go_type_name(v));
    return value;
  }

  TemplateValue eval_arg(const TemplateValue& dot, ParamType type, const ArgNode& node, bool keep_missing = false) {
    at(node);
    auto checked = [&](TemplateValue value) { return keep_missing ? value : validate_type(value, type); };
    static const std::vector<ArgNode> no_args;
    switch (node.kind) {
      case ArgNode::Kind::dot:
        return checked(dot);
      case ArgNode::Kind::nil:
        if (type == ParamType::any) return TemplateValue::owned(json(nullptr));
        if (type == ParamType::string_list) return TemplateValue::owned(json::array());
        error("cannot assign nil to {}", param_type_name(type));
      case ArgNode::Kind::field:
        return checked(eval_field_node(dot, node, {}, Final()));
      case ArgNode::Kind::variable:
        return checked(eval_variable_node(dot, node, {}, Final()));
      case ArgNode::Kind::pipe:
        return checked(eval_pipeline(dot, *node.pipe));
      case ArgNode::Kind::identifier:
        return checked(eval_function(dot, node, nullptr, no_args, Final()));
      case ArgNode::Kind::chain:
        return checked(eval_chain_node(dot, node, no_args, Final()));
      default:
        break;
    }
    switch (type) {
      case ParamType::string:
        if (node.kind == ArgNode::Kind::string) return TemplateValue::owned(json(node.string_value));
        error("expected string; found {}", to_string(node));
      case ParamType::integer:
        if (node.kind == ArgNode::Kind::number && node.number.is_int)
          return TemplateValue::owned(json(node.number.int_value));
        error("expected integer; found {}", to_string(node));
      case ParamType::string_list:
        error("can't handle {} for arg of type []string", to_string(node));
      default:
        break;
    }
    switch (node.kind) {
      case ArgNode::Kind::boolean:
        return TemplateValue::owned(json(node.bool_value));
      case ArgNode::Kind::number:
        return ideal_constant(node);
      case ArgNode::Kind::string:
        return TemplateValue::owned(json(node.string_value));
      default:
        error("can't handle {} for arg of type {}", to_string(node), param_type_name(type));
    }
  }

  std::string_view source_;
  const json& root_;
  const ExecOptions& options_;
  std::string& out_;
  std::vector<std::pair<std::string, TemplateValue>> variables_;
  Where where_;
  uint64_t steps_ = 0;
};

}  // namespace

Status execute_template_tree(const std::vector<TemplateNode>& tree, std::string_view source, const json& data,
                             const ExecOptions& options, std::string& out) {
  try {
    Executor(source, data, options, out).run(tree);
  } catch (const ExecError& error) {
    return fail("{}", error.message);
  }
  return {};
}

}  // namespace berth::cli
