// Tokens of a Go text/template, as Go's text/template/parse lexer makes them:
// text between actions, and inside "{{ }}" fields, variables, identifiers,
// literals, pipes, parentheses and keywords. "{{- " and " -}}" trim the
// white space around the action; comments "{{/* */}}" vanish. A malformed
// action ends the token list with an error token carrying Go's message
// ("unclosed action", "unterminated quoted string", ...), so the parser
// reports errors in the order Go does.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace berth::cli {

enum class TokenType {
  error,  // text is the message
  eof,
  text,
  left_delim,
  right_delim,
  space,
  field,       // ".Name"
  variable,    // "$" or "$name"
  identifier,  // a function name
  dot,
  nil,
  boolean,
  number,
  char_constant,
  string,      // "quoted", with escapes
  raw_string,  // `raw`
  pipe,
  left_paren,
  right_paren,
  declare,      // :=
  assign,       // =
  punctuation,  // a lone printable ASCII character such as ","
  keyword_if,
  keyword_else,
  keyword_end,
  keyword_range,
  keyword_with,
  keyword_break,
  keyword_continue,
  keyword_define,
  keyword_template,
  keyword_block,
};

struct Token {
  TokenType type;
  size_t pos;  // byte offset in the template
  int line;    // 1-based line the token starts on
  std::string text;
};

// Always ends with an eof or an error token.
std::vector<Token> lex_template(std::string_view input);

// Go's description of a token in "unexpected ..." messages.
std::string describe_token(const Token& token);

}  // namespace berth::cli
