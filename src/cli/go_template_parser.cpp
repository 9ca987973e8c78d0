#include "cli/go_template_parser.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <optional>

#include "cli/go_print.h"
#include "cli/go_template_lexer.h"

namespace berth::cli {

namespace {

// Like Go's parser, a syntax error unwinds the whole recursive descent at
// once; the exception never leaves parse_template_tree, which turns it into
// an Error value.
struct ParseError {
  std::string message;
};

bool is_hex_digit(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
int hex_value(char c) { return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10; }

// strconv.UnquoteChar: one (possibly escaped) character of a quoted literal.
std::optional<char32_t> unquote_char(std::string_view text, size_t& i, char quote, bool& is_byte) {
  is_byte = false;
  if (i >= text.size()) return std::nullopt;
  char c = text[i];
  if (c == quote && quote == '\'') return std::nullopt;
  if (c != '\\') return decode_utf8_rune(text, i);
  if (++i >= text.size()) return std::nullopt;
  c = text[i++];
  switch (c) {
    case 'a':
      return '\a';
    case 'b':
      return '\b';
    case 'f':
      return '\f';
    case 'n':
      return '\n';
    case 'r':
      return '\r';
    case 't':
      return '\t';
    case 'v':
      return '\v';
    case '\\':
      return '\\';
    case '\'':
    case '"':
      if (c != quote) return std::nullopt;
      return char32_t(c);
    case 'x':
    case 'u':
    case 'U': {
      int digits = c == 'x' ? 2 : c == 'u' ? 4 : 8;
      if (i + size_t(digits) > text.size()) return std::nullopt;
      char32_t value = 0;
      for (int k = 0; k < digits; ++k) {
        if (!is_hex_digit(text[i])) return std::nullopt;
        value = value * 16 + char32_t(hex_value(text[i++]));
      }
      if (c == 'x') {
        is_byte = true;
        return value;
      }
      if (value > 0x10ffff || (value >= 0xd800 && value < 0xe000)) return std::nullopt;
      return value;
    }
    default:
      if (c >= '0' && c <= '7') {
        if (i + 2 > text.size()) return std::nullopt;
        char32_t value = char32_t(c - '0');
        for (int k = 0; k < 2; ++k) {
          if (text[i] < '0' || text[i] > '7') return std::nullopt;
          value = value * 8 + char32_t(text[i++] - '0');
        }
        if (value > 255) return std::nullopt;
        is_byte = true;
        return value;
      }
      return std::nullopt;
  }
}

// strconv.Unquote of a "..." or `...` literal.
std::optional<std::string> unquote_string(std::string_view quoted) {
  if (quoted.size() < 2) return std::nullopt;
  std::string_view body = quoted.substr(1, quoted.size() - 2);
  std::string out;
  if (quoted[0] == '`') {
    for (char c : body)
      if (c != '\r') out += c;  // Go drops carriage returns from raw strings
    return out;
  }
  for (size_t i = 0; i < body.size();) {
    bool is_byte = false;
    if (body[i] == '"') return std::nullopt;
    auto rune = unquote_char(body, i, '"', is_byte);
    if (!rune) return std::nullopt;
    if (is_byte)
      out += char(*rune);
    else
      append_utf8_rune(out, *rune);
  }
  return out;
}

// strconv.ParseUint/ParseInt with base 0: prefixes 0x 0o 0b, a leading 0 for octal, '_' between digits.
std::optional<uint64_t> parse_unsigned(std::string_view text) {
  int base = 10;
  bool prefixed = false;
  if (text.size() > 1 && text[0] == '0') {
    char p = char(text[1] | 0x20);
    if (p == 'x' || p == 'o' || p == 'b') {
      base = p == 'x' ? 16 : p == 'o' ? 8 : 2;
      text.remove_prefix(2);
      prefixed = true;
    } else {
      base = 8;
      text.remove_prefix(1);
      prefixed = true;
    }
  }
  if (text.empty()) return std::nullopt;
  uint64_t value = 0;
  bool previous_underscore = prefixed;  // "0x_1" is fine, "1__2" and trailing '_' are not
  bool any_digit = false;
  for (char c : text) {
    if (c == '_') {
      if (previous_underscore && any_digit) return std::nullopt;
      previous_underscore = true;
      continue;
    }
    previous_underscore = false;
    int digit = is_hex_digit(c) ? hex_value(c) : 99;
    if (digit >= base) return std::nullopt;
    if (value > (std::numeric_limits<uint64_t>::max() - uint64_t(digit)) / uint64_t(base)) return std::nullopt;
    value = value * uint64_t(base) + uint64_t(digit);
    any_digit = true;
  }
  if (!any_digit || text.back() == '_') return std::nullopt;
  return value;
}

std::optional<int64_t> parse_signed(std::string_view text) {
  bool negative = false;
  if (!text.empty() && (text[0] == '+' || text[0] == '-')) {
    negative = text[0] == '-';
    text.remove_prefix(1);
  }
  auto magnitude = parse_unsigned(text);
  if (!magnitude) return std::nullopt;
  if (negative) {
    if (*magnitude > uint64_t(std::numeric_limits<int64_t>::max()) + 1) return std::nullopt;
    return int64_t(0 - *magnitude);
  }
  if (*magnitude > uint64_t(std::numeric_limits<int64_t>::max())) return std::nullopt;
  return int64_t(*magnitude);
}

std::optional<double> parse_float(std::string_view text) {
  std::string cleaned;
  for (char c : text)
    if (c != '_') cleaned += c;
  bool negative = false;
  std::string_view body = cleaned;
  if (!body.empty() && (body[0] == '+' || body[0] == '-')) {
    negative = body[0] == '-';
    body.remove_prefix(1);
  }
  if (body.empty()) return std::nullopt;
  double value = 0;
  std::from_chars_result result;
  if (body.size() > 2 && body[0] == '0' && (body[1] | 0x20) == 'x') {
    if (body.find_first_of("pP") == std::string_view::npos) return std::nullopt;
    body.remove_prefix(2);
    result = std::from_chars(body.data(), body.data() + body.size(), value, std::chars_format::hex);
  } else {
    result = std::from_chars(body.data(), body.data() + body.size(), value, std::chars_format::general);
  }
  if (result.ec != std::errc() || result.ptr != body.data() + body.size()) return std::nullopt;
  return negative ? -value : value;
}

class Parser {
 public:
  Parser(std::vector<Token> tokens, const std::function<bool(std::string_view)>& is_function)
      : tokens_(std::move(tokens)), is_function_(is_function) {}

  std::vector<TemplateNode> parse() {
    std::vector<TemplateNode> root;
    while (peek().type != TokenType::eof) {
      Item item = text_or_action();
      if (item.end_or_else) error(fmt::format("unexpected {}", item.end_or_else));
      if (item.node) root.push_back(std::move(*item.node));
    }
    return root;
  }

 private:
  // A list element, or the {{end}} / {{else}} that closes a list.
  struct Item {
    std::optional<TemplateNode> node;
    const char* end_or_else = nullptr;  // "{{end}}" or "{{else}}"
    size_t pos = 0;
    bool else_if = false, else_with = false;
  };

  [[noreturn]] void error(const std::string& message) {
    throw ParseError{fmt::format("template: :{}: {}", line_, message)};
  }

  [[noreturn]] void unexpected(const Token& token, std::string_view context) {
    if (token.type == TokenType::error) {
      std::string extra;
      if (action_line_ != 0 && action_line_ != token.line) {
        extra = fmt::format(" in action started at :{}", action_line_);
        if (token.text.ends_with(" action")) extra = extra.substr(std::string_view(" in action").size());
      }
      error(token.text + extra);
    }
    error(fmt::format("unexpected {} in {}", describe_token(token), context));
  }

  // index_ may step one past the final eof/error token, which keeps being read there.
  const Token& at_index(size_t index) const { return tokens_[std::min(index, tokens_.size() - 1)]; }
  const Token& next() {
    const Token& token = at_index(index_);
    if (index_ < tokens_.size()) ++index_;
    line_ = token.line;
    return token;
  }
  const Token& peek() const { return at_index(index_); }
  const Token& next_non_space() {
    while (peek().type == TokenType::space) next();
    return next();
  }
  const Token& peek_non_space() {
    while (peek().type == TokenType::space) next();
    return peek();
  }
  void backup() {
    if (index_ > 0) --index_;
  }

  const Token& expect(TokenType type, std::string_view context) {
    const Token& token = next_non_space();
    if (token.type != type) unexpected(token, context);
    return token;
  }

  void enter() {
    if (++depth_ > max_template_nesting)
      error(fmt::format("template nested too deeply (more than {} levels of blocks and parentheses)",
                        max_template_nesting));
  }
  void leave() { --depth_; }

  Item text_or_action() {
    const Token& token = next_non_space();
    switch (token.type) {
      case TokenType::text: {
        TemplateNode node{.kind = TemplateNode::Kind::text, .pos = token.pos, .text = token.text};
        return {.node = std::move(node)};
      }
      case TokenType::left_delim: {
        int saved = action_line_;
        action_line_ = token.line;
        Item item = action();
        action_line_ = saved;
        return item;
      }
      default:
        unexpected(token, "input");
    }
  }

  Item action() {
    const Token& token = next_non_space();
    switch (token.type) {
      case TokenType::keyword_block:
      case TokenType::keyword_define:
      case TokenType::keyword_template:
        error(fmt::format("{{{{{}}}}} is not supported: a --format template is a single template", token.text));
      case TokenType::keyword_break:
      case TokenType::keyword_continue: {
        bool is_break = token.type == TokenType::keyword_break;
        size_t pos = token.pos;
        const Token& close = next_non_space();
        if (close.type != TokenType::right_delim) unexpected(close, is_break ? "{{break}}" : "{{continue}}");
        if (range_depth_ == 0) error(is_break ? "{{break}} outside {{range}}" : "{{continue}} outside {{range}}");
        TemplateNode node{.kind = is_break ? TemplateNode::Kind::break_ : TemplateNode::Kind::continue_, .pos = pos};
        return {.node = std::move(node)};
      }
      case TokenType::keyword_else: {
        const Token& following = peek_non_space();
        if (following.type == TokenType::keyword_if || following.type == TokenType::keyword_with)
          return {.end_or_else = "{{else}}",
                  .pos = following.pos,
                  .else_if = following.type == TokenType::keyword_if,
                  .else_with = following.type == TokenType::keyword_with};
        size_t pos = expect(TokenType::right_delim, "else").pos;
        return {.end_or_else = "{{else}}", .pos = pos};
      }
      case TokenType::keyword_end: {
        size_t pos = expect(TokenType::right_delim, "end").pos;
        return {.end_or_else = "{{end}}", .pos = pos};
      }
      case TokenType::keyword_if:
        return {.node = control(TemplateNode::Kind::if_, "if")};
      case TokenType::keyword_range:
        return {.node = control(TemplateNode::Kind::range, "range")};
      case TokenType::keyword_with:
        return {.node = control(TemplateNode::Kind::with, "with")};
      default:
        break;
    }
    backup();
    TemplateNode node{.kind = TemplateNode::Kind::action, .pos = peek().pos};
    node.pipe = pipeline("command", TokenType::right_delim);
    return {.node = std::move(node)};
  }

  // The list up to {{end}} or {{else}}.
  std::vector<TemplateNode> item_list(Item& closing) {
    std::vector<TemplateNode> list;
    while (peek_non_space().type != TokenType::eof) {
      Item item = text_or_action();
      if (item.end_or_else) {
        closing = std::move(item);
        return list;
      }
      if (item.node) list.push_back(std::move(*item.node));
    }
    error("unexpected EOF");
  }

  // if / range / with, after the keyword: pipeline, list, optional else, end.
  TemplateNode control(TemplateNode::Kind kind, std::string_view context) {
    enter();
    size_t variables = variables_.size();
    TemplateNode node{.kind = kind};
    node.pipe = pipeline(context, TokenType::right_delim);
    node.pos = node.pipe->pos;
    if (kind == TemplateNode::Kind::range) ++range_depth_;
    Item closing;
    node.list = item_list(closing);
    if (kind == TemplateNode::Kind::range) --range_depth_;
    if (std::string_view(closing.end_or_else) == "{{else}}") {
      node.has_else = true;
      if (kind == TemplateNode::Kind::if_ && closing.else_if) {
        next_non_space();  // the "if"
        node.else_list.push_back(control(TemplateNode::Kind::if_, "if"));
      } else if (kind == TemplateNode::Kind::with && closing.else_with) {
        next_non_space();  // the "with"
        node.else_list.push_back(control(TemplateNode::Kind::with, "with"));
      } else {
        // "{{else if}}" outside an if (or "{{else with}}" outside a with) leaves the keyword
        // in front of the list, which then fails as in Go: unexpected <if> in input.
        Item end;
        std::vector<TemplateNode> rest = item_list(end);
        for (auto& item : rest) node.else_list.push_back(std::move(item));
        if (std::string_view(end.end_or_else) != "{{end}}")
          error(fmt::format("expected end; found {}", end.end_or_else));
      }
    }
    variables_.resize(variables);
    leave();
    return node;
  }

  std::unique_ptr<PipeNode> pipeline(std::string_view context, TokenType end) {
    auto pipe = std::make_unique<PipeNode>();
    const Token& first = peek_non_space();
    pipe->pos = first.pos;
  declarations:
    if (peek_non_space().type == TokenType::variable) {
      size_t variable_index = index_;
      const Token& variable = next();
      size_t after_variable = index_;
      const Token& following = peek_non_space();
      if (following.type == TokenType::assign || following.type == TokenType::declare) {
        pipe->is_assign = following.type == TokenType::assign;
        next_non_space();
        pipe->decls.push_back({variable.pos, variable.text});
        variables_.push_back(variable.text);
      } else if (following.type == TokenType::punctuation && following.text == ",") {
        next_non_space();
        pipe->decls.push_back({variable.pos, variable.text});
        variables_.push_back(variable.text);
        if (context == "range" && pipe->decls.size() < 2) {
          switch (peek_non_space().type) {
            case TokenType::variable:
            case TokenType::right_delim:
            case TokenType::right_paren:
              goto declarations;
            default:
              error("range can only initialize variables");
          }
        }
        error(fmt::format("too many declarations in {}", context));
      } else {
        index_ = variable_index;
        (void)after_variable;
      }
    }
    while (true) {
      const Token& token = next_non_space();
      if (token.type == end) {
        check_pipeline(*pipe, context);
        return pipe;
      }
      switch (token.type) {
        case TokenType::boolean:
        case TokenType::char_constant:
        case TokenType::dot:
        case TokenType::field:
        case TokenType::identifier:
        case TokenType::number:
        case TokenType::nil:
        case TokenType::raw_string:
        case TokenType::string:
        case TokenType::variable:
        case TokenType::left_paren:
          backup();
          pipe->commands.push_back(command());
          break;
        default:
          unexpected(token, context);
      }
    }
  }

  void check_pipeline(const PipeNode& pipe, std::string_view context) {
    if (pipe.commands.empty()) error(fmt::format("missing value for {}", context));
    for (size_t i = 1; i < pipe.commands.size(); ++i) {
      switch (pipe.commands[i].args[0].kind) {
        case ArgNode::Kind::boolean:
        case ArgNode::Kind::dot:
        case ArgNode::Kind::nil:
        case ArgNode::Kind::number:
        case ArgNode::Kind::string:
          error(fmt::format("non executable command in pipeline stage {}", i + 1));
        default:
          break;
      }
    }
  }

  CommandNode command() {
    CommandNode command{.pos = peek_non_space().pos};
    while (true) {
      peek_non_space();
      if (auto operand_node = operand()) command.args.push_back(std::move(*operand_node));
      const Token& token = next();
      if (token.type == TokenType::space) continue;
      if (token.type == TokenType::right_delim || token.type == TokenType::right_paren) {
        backup();
      } else if (token.type != TokenType::pipe) {
        unexpected(token, "operand");
      }
      break;
    }
    if (command.args.empty()) error("empty command");
    return command;
  }

  std::optional<ArgNode> operand() {
    std::optional<ArgNode> node = term();
    if (!node) return node;
    if (peek().type != TokenType::field) return node;
    ArgNode chain{.kind = ArgNode::Kind::chain, .pos = peek().pos};
    while (peek().type == TokenType::field) chain.idents.push_back(next().text.substr(1));
    switch (node->kind) {
      case ArgNode::Kind::field:
      case ArgNode::Kind::variable:
        // Fields after a field or variable extend it, as Go folds them into one node.
        for (auto& ident : chain.idents) node->idents.push_back(std::move(ident));
        return node;
      case ArgNode::Kind::boolean:
      case ArgNode::Kind::string:
      case ArgNode::Kind::number:
      case ArgNode::Kind::nil:
      case ArgNode::Kind::dot:
        error(fmt::format("unexpected . after term {}", go_quote(to_string(*node))));
      default:
        chain.base = std::make_unique<ArgNode>(std::move(*node));
        return chain;
    }
  }

  std::optional<ArgNode> term() {
    const Token& token = next_non_space();
    switch (token.type) {
      case TokenType::identifier:
        if (!is_function_(token.text)) error(fmt::format("function {} not defined", go_quote(token.text)));
        return ArgNode{.kind = ArgNode::Kind::identifier, .pos = token.pos, .text = token.text};
      case TokenType::dot:
        return ArgNode{.kind = ArgNode::Kind::dot, .pos = token.pos};
      case TokenType::nil:
        return ArgNode{.kind = ArgNode::Kind::nil, .pos = token.pos};
      case TokenType::variable: {
        bool known = false;
        for (const std::string& name : variables_) known = known || name == token.text;
        if (!known) error(fmt::format("undefined variable {}", go_quote(token.text)));
        return ArgNode{.kind = ArgNode::Kind::variable, .pos = token.pos, .idents = {token.text}};
      }
      case TokenType::field:
        return ArgNode{.kind = ArgNode::Kind::field, .pos = token.pos, .idents = {token.text.substr(1)}};
      case TokenType::boolean:
        return ArgNode{
            .kind = ArgNode::Kind::boolean, .pos = token.pos, .text = token.text, .bool_value = token.text == "true"};
      case TokenType::char_constant:
      case TokenType::number:
        return ArgNode{.kind = ArgNode::Kind::number,
                       .pos = token.pos,
                       .text = token.text,
                       .number = number(token.text, token.type == TokenType::char_constant)};
      case TokenType::left_paren: {
        enter();
        ArgNode node{.kind = ArgNode::Kind::pipe, .pos = token.pos};
        node.pipe = pipeline("parenthesized pipeline", TokenType::right_paren);
        leave();
        return node;
      }
      case TokenType::string:
      case TokenType::raw_string: {
        auto value = unquote_string(token.text);
        if (!value) error("invalid syntax");
        return ArgNode{.kind = ArgNode::Kind::string, .pos = token.pos, .text = token.text, .string_value = *value};
      }
      default:
        backup();
        return std::nullopt;
    }
  }

  NumberLiteral number(const std::string& text, bool is_char) {
    NumberLiteral n;
    if (is_char) {
      size_t i = 1;
      bool is_byte = false;
      auto rune = unquote_char(text, i, '\'', is_byte);
      if (!rune || text.substr(i) != "'") error(fmt::format("malformed character constant: {}", text));
      n = {.is_int = true, .is_uint = true, .is_float = true, .is_char = true};
      n.int_value = int64_t(*rune);
      n.uint_value = uint64_t(*rune);
      n.float_value = double(*rune);
      return n;
    }
    if (!text.empty() && text.back() == 'i') error(fmt::format("complex number {} is not supported", text));
    if (auto u = parse_unsigned(text)) {
      n.is_uint = true;
      n.uint_value = *u;
    }
    if (auto i = parse_signed(text)) {
      n.is_int = true;
      n.int_value = *i;
      if (*i == 0) {
        n.is_uint = true;
        n.uint_value = 0;
      }
    }
    if (n.is_int) {
      n.is_float = true;
      n.float_value = double(n.int_value);
    } else if (n.is_uint) {
      n.is_float = true;
      n.float_value = double(n.uint_value);
    } else if (auto f = parse_float(text)) {
      if (text.find_first_of(".eEpP") == std::string::npos) error(fmt::format("integer overflow: {}", go_quote(text)));
      n.is_float = true;
      n.float_value = *f;
      if (std::isfinite(*f) && *f == std::trunc(*f) && std::fabs(*f) < 9.2e18) {
        n.is_int = true;
        n.int_value = int64_t(*f);
        if (*f >= 0) {
          n.is_uint = true;
          n.uint_value = uint64_t(*f);
        }
      }
    }
    if (!n.is_int && !n.is_uint && !n.is_float) error(fmt::format("illegal number syntax: {}", go_quote(text)));
    return n;
  }

  std::vector<Token> tokens_;
  const std::function<bool(std::string_view)>& is_function_;
  size_t index_ = 0;
  int line_ = 1;
  int action_line_ = 0;
  int range_depth_ = 0;
  int depth_ = 0;
  std::vector<std::string> variables_{"$"};
};

std::string join_idents(const std::vector<std::string>& idents, size_t from) {
  std::string out;
  for (size_t i = from; i < idents.size(); ++i) out += "." + idents[i];
  return out;
}

}  // namespace

std::string to_string(const ArgNode& node) {
  switch (node.kind) {
    case ArgNode::Kind::field:
      return join_idents(node.idents, 0);
    case ArgNode::Kind::variable:
      return node.idents[0] + join_idents(node.idents, 1);
    case ArgNode::Kind::dot:
      return ".";
    case ArgNode::Kind::nil:
      return "nil";
    case ArgNode::Kind::boolean:
      return node.bool_value ? "true" : "false";
    case ArgNode::Kind::number:
    case ArgNode::Kind::string:
    case ArgNode::Kind::identifier:
      return node.text;
    case ArgNode::Kind::chain: {
      std::string base = to_string(*node.base);
      if (node.base->kind == ArgNode::Kind::pipe) base = "(" + base + ")";
      return base + join_idents(node.idents, 0);
    }
    case ArgNode::Kind::pipe:
      return to_string(*node.pipe);
  }
  return "";
}

std::string to_string(const CommandNode& node) {
  std::string out;
  for (size_t i = 0; i < node.args.size(); ++i) {
    if (i > 0) out += ' ';
    if (node.args[i].kind == ArgNode::Kind::pipe)
      out += "(" + to_string(node.args[i]) + ")";
    else
      out += to_string(node.args[i]);
  }
  return out;
}

std::string to_string(const PipeNode& node) {
  std::string out;
  if (!node.decls.empty()) {
    for (size_t i = 0; i < node.decls.size(); ++i) {
      if (i > 0) out += ", ";
      out += node.decls[i].name;
    }
    out += " := ";
  }
  for (size_t i = 0; i < node.commands.size(); ++i) {
    if (i > 0) out += " | ";
    out += to_string(node.commands[i]);
  }
  return out;
}

Result<std::vector<TemplateNode>> parse_template_tree(std::string_view text,
                                                      const std::function<bool(std::string_view)>& is_function) {
  try {
    return Parser(lex_template(text), is_function).parse();
  } catch (const ParseError& error) {
    return fail("{}", error.message);
  }
}

}  // namespace berth::cli
