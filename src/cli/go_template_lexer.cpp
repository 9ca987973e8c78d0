#include "cli/go_template_lexer.h"

#include <fmt/format.h>

#include "cli/go_print.h"

namespace berth::cli {

namespace {

constexpr std::string_view left_delim = "{{";
constexpr std::string_view right_delim = "}}";
constexpr std::string_view left_comment = "/*";
constexpr std::string_view right_comment = "*/";

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
// Byte length of the letter, digit or '_' at text[pos], or 0. Any valid non-ASCII
// rune counts as a letter (Go accepts Unicode letters in names; without
// Unicode tables we cannot tell letters from symbols there).
size_t alphanumeric_length(std::string_view text, size_t pos) {
  if (pos >= text.size()) return 0;
  char c = text[pos];
  if (c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return 1;
  if (static_cast<unsigned char>(c) < 0x80) return 0;
  size_t end = pos;
  char32_t rune = decode_utf8_rune(text, end);
  return rune == 0xfffd ? 0 : end - pos;
}

// "{{- " : a minus and a space right after the delimiter.
bool has_left_trim_marker(std::string_view text) { return text.size() >= 2 && text[0] == '-' && is_space(text[1]); }
// " -}}" : a space and a minus right before the delimiter.
bool has_right_trim_marker(std::string_view text) { return text.size() >= 2 && is_space(text[0]) && text[1] == '-'; }

TokenType keyword(std::string_view word) {
  if (word == "if") return TokenType::keyword_if;
  if (word == "else") return TokenType::keyword_else;
  if (word == "end") return TokenType::keyword_end;
  if (word == "range") return TokenType::keyword_range;
  if (word == "with") return TokenType::keyword_with;
  if (word == "break") return TokenType::keyword_break;
  if (word == "continue") return TokenType::keyword_continue;
  if (word == "define") return TokenType::keyword_define;
  if (word == "template") return TokenType::keyword_template;
  if (word == "block") return TokenType::keyword_block;
  if (word == "nil") return TokenType::nil;
  if (word == "true" || word == "false") return TokenType::boolean;
  return TokenType::identifier;
}

std::string describe_rune(char32_t rune) {
  // fmt's %#U: U+0040 '@'
  std::string out = fmt::format("U+{:04X}", uint32_t(rune));
  if (rune >= 0x20 && rune != 0x7f) {
    out += " '";
    append_utf8_rune(out, rune);
    out += "'";
  }
  return out;
}

class Lexer {
 public:
  explicit Lexer(std::string_view input) : input_(input) {}

  std::vector<Token> run() {
    while (lex_text() && lex_action()) {
    }
    return std::move(tokens_);
  }

 private:
  int line_at(size_t pos) {
    for (; line_cursor_ < pos && line_cursor_ < input_.size(); ++line_cursor_)
      if (input_[line_cursor_] == '\n') ++line_;
    return line_;
  }

  void emit(TokenType type, size_t start, size_t end) {
    tokens_.push_back({type, start, line_at(start), std::string(input_.substr(start, end - start))});
  }

  bool error(size_t start, std::string message) {
    tokens_.push_back({TokenType::error, start, line_at(start), std::move(message)});
    return false;
  }

  // Text up to the next action; false at the end of input.
  bool lex_text() {
    size_t open = input_.find(left_delim, pos_);
    size_t text_end = open == std::string_view::npos ? input_.size() : open;
    size_t trimmed_end = text_end;
    if (open != std::string_view::npos && has_left_trim_marker(input_.substr(open + left_delim.size())))
      while (trimmed_end > pos_ && is_space(input_[trimmed_end - 1])) --trimmed_end;
    if (trimmed_end > pos_) emit(TokenType::text, pos_, trimmed_end);
    if (open == std::string_view::npos) {
      tokens_.push_back({TokenType::eof, input_.size(), line_at(input_.size()), ""});
      return false;
    }
    pos_ = open;
    return true;
  }

  // After a right delimiter with a trim marker: skip the white space that follows.
  void skip_space_after_trim() {
    while (pos_ < input_.size() && is_space(input_[pos_])) ++pos_;
  }

  // At a right delimiter, and whether it carries a trim marker.
  bool at_right_delim(bool& trim) const {
    std::string_view rest = input_.substr(pos_);
    if (has_right_trim_marker(rest) && rest.substr(2).starts_with(right_delim)) {
      trim = true;
      return true;
    }
    trim = false;
    return rest.starts_with(right_delim);
  }

  bool lex_comment(size_t delim_start) {
    pos_ += left_comment.size();
    size_t close = input_.find(right_comment, pos_);
    if (close == std::string_view::npos) return error(delim_start, "unclosed comment");
    pos_ = close + right_comment.size();
    bool trim = false;
    if (!at_right_delim(trim)) return error(delim_start, "comment ends before closing delimiter");
    if (trim) pos_ += 2;
    pos_ += right_delim.size();
    if (trim) skip_space_after_trim();
    return true;
  }

  // From "{{" through "}}"; false after an error.
  bool lex_action() {
    const size_t delim_start = pos_;
    pos_ += left_delim.size();
    bool trim_left = has_left_trim_marker(input_.substr(pos_));
    size_t after_marker = trim_left ? 2 : 0;
    if (input_.substr(pos_ + after_marker).starts_with(left_comment)) {
      pos_ += after_marker;
      return lex_comment(delim_start);
    }
    emit(TokenType::left_delim, delim_start, pos_);
    pos_ += after_marker;
    int paren_depth = 0;
    while (true) {
      bool trim_right = false;
      if (at_right_delim(trim_right)) {
        if (paren_depth != 0) return error(pos_, "unclosed left paren");
        if (trim_right) pos_ += 2;
        emit(TokenType::right_delim, pos_, pos_ + right_delim.size());
        pos_ += right_delim.size();
        if (trim_right) skip_space_after_trim();
        return true;
      }
      if (pos_ >= input_.size()) return error(pos_, "unclosed action");
      const size_t start = pos_;
      char c = input_[pos_];
      if (is_space(c)) {
        while (pos_ < input_.size() && is_space(input_[pos_])) ++pos_;
        // A space right before "-}}" belongs to the trim marker.
        if (has_right_trim_marker(input_.substr(pos_ - 1)) && input_.substr(pos_ + 1).starts_with(right_delim)) {
          --pos_;
          if (pos_ == start) continue;
        }
        emit(TokenType::space, start, pos_);
        continue;
      }
      ++pos_;
      switch (c) {
        case '=':
          emit(TokenType::assign, start, pos_);
          continue;
        case ':':
          if (pos_ >= input_.size() || input_[pos_] != '=') return error(start, "expected :=");
          ++pos_;
          emit(TokenType::declare, start, pos_);
          continue;
        case '|':
          emit(TokenType::pipe, start, pos_);
          continue;
        case '"':
          if (!lex_quote(start)) return false;
          continue;
        case '`': {
          size_t close = input_.find('`', pos_);
          if (close == std::string_view::npos) return error(start, "unterminated raw quoted string");
          pos_ = close + 1;
          emit(TokenType::raw_string, start, pos_);
          continue;
        }
        case '$':
          if (!lex_field_or_variable(start, TokenType::variable)) return false;
          continue;
        case '\'':
          if (!lex_char(start)) return false;
          continue;
        case '(':
          emit(TokenType::left_paren, start, pos_);
          ++paren_depth;
          continue;
        case ')':
          if (--paren_depth < 0) return error(start, "unexpected right paren");
          emit(TokenType::right_paren, start, pos_);
          continue;
        case '.':
          if (pos_ >= input_.size() || input_[pos_] < '0' || input_[pos_] > '9') {
            if (!lex_field_or_variable(start, TokenType::field)) return false;
            continue;
          }
          break;  // ".5" is a number
        default:
          break;
      }
      if (c == '.' || c == '+' || c == '-' || (c >= '0' && c <= '9')) {
        pos_ = start;
        if (!lex_number()) return false;
        continue;
      }
      if (alphanumeric_length(input_, start) > 0) {
        pos_ = start;
        if (!lex_identifier()) return false;
        continue;
      }
      if (c > ' ' && c < 0x7f) {
        emit(TokenType::punctuation, start, pos_);
        continue;
      }
      size_t rune_pos = start;
      return error(start, "unrecognized character in action: " + describe_rune(decode_utf8_rune(input_, rune_pos)));
    }
  }

  bool at_terminator() const {
    if (pos_ >= input_.size()) return true;
    char c = input_[pos_];
    if (is_space(c)) return true;
    switch (c) {
      case '.':
      case ',':
      case '|':
      case ':':
      case ')':
      case '(':
        return true;
    }
    return input_.substr(pos_).starts_with(right_delim);
  }

  bool bad_character(size_t start) {
    size_t rune_pos = pos_;
    return error(start, "bad character " + describe_rune(decode_utf8_rune(input_, rune_pos)));
  }

  bool lex_identifier() {
    size_t start = pos_;
    while (size_t length = alphanumeric_length(input_, pos_)) pos_ += length;
    if (!at_terminator()) return bad_character(start);
    emit(keyword(input_.substr(start, pos_ - start)), start, pos_);
    return true;
  }

  // After "." or "$": the name that follows, or the bare dot / "$".
  bool lex_field_or_variable(size_t start, TokenType type) {
    if (at_terminator()) {
      emit(type == TokenType::variable ? TokenType::variable : TokenType::dot, start, pos_);
      return true;
    }
    while (size_t length = alphanumeric_length(input_, pos_)) pos_ += length;
    if (!at_terminator()) return bad_character(start);
    emit(type, start, pos_);
    return true;
  }

  bool lex_quote(size_t start) {
    while (true) {
      if (pos_ >= input_.size() || input_[pos_] == '\n') return error(start, "unterminated quoted string");
      char c = input_[pos_++];
      if (c == '\\') {
        if (pos_ >= input_.size() || input_[pos_] == '\n') return error(start, "unterminated quoted string");
        ++pos_;
      } else if (c == '"') {
        break;
      }
    }
    emit(TokenType::string, start, pos_);
    return true;
  }

  bool lex_char(size_t start) {
    while (true) {
      if (pos_ >= input_.size() || input_[pos_] == '\n') return error(start, "unterminated character constant");
      char c = input_[pos_++];
      if (c == '\\') {
        if (pos_ >= input_.size() || input_[pos_] == '\n') return error(start, "unterminated character constant");
        ++pos_;
      } else if (c == '\'') {
        break;
      }
    }
    emit(TokenType::char_constant, start, pos_);
    return true;
  }

  bool accept(std::string_view valid) {
    if (pos_ < input_.size() && valid.find(input_[pos_]) != std::string_view::npos) {
      ++pos_;
      return true;
    }
    return false;
  }
  void accept_run(std::string_view valid) {
    while (accept(valid)) {
    }
  }

  // Go's scanNumber: the syntax is checked again when the parser converts the text.
  bool lex_number() {
    size_t start = pos_;
    accept("+-");
    std::string_view digits = "0123456789_";
    if (accept("0")) {
      if (accept("xX"))
        digits = "0123456789abcdefABCDEF_";
      else if (accept("oO"))
        digits = "01234567_";
      else if (accept("bB"))
        digits = "01_";
    }
    accept_run(digits);
    if (accept(".")) accept_run(digits);
    if (digits.size() == 11 && accept("eE")) {
      accept("+-");
      accept_run("0123456789_");
    }
    if (digits.size() == 23 && accept("pP")) {
      accept("+-");
      accept_run("0123456789_");
    }
    accept("i");
    if (size_t length = alphanumeric_length(input_, pos_)) {
      pos_ += length;
      return error(start, fmt::format("bad number syntax: {}", go_quote(input_.substr(start, pos_ - start))));
    }
    emit(TokenType::number, start, pos_);
    return true;
  }

  std::string_view input_;
  size_t pos_ = 0;
  size_t line_cursor_ = 0;
  int line_ = 1;
  std::vector<Token> tokens_;
};

}  // namespace

std::vector<Token> lex_template(std::string_view input) { return Lexer(input).run(); }

std::string describe_token(const Token& token) {
  switch (token.type) {
    case TokenType::eof:
      return "EOF";
    case TokenType::error:
      return token.text;
    case TokenType::dot:
    case TokenType::nil:
    case TokenType::keyword_if:
    case TokenType::keyword_else:
    case TokenType::keyword_end:
    case TokenType::keyword_range:
    case TokenType::keyword_with:
    case TokenType::keyword_break:
    case TokenType::keyword_continue:
    case TokenType::keyword_define:
    case TokenType::keyword_template:
    case TokenType::keyword_block:
      return "<" + token.text + ">";
    default:
      break;
  }
  if (token.text.size() > 10) {
    // fmt's %.10q: the first ten runes, quoted.
    size_t position = 0;
    for (int runes = 0; runes < 10 && position < token.text.size(); ++runes) decode_utf8_rune(token.text, position);
    return go_quote(std::string_view(token.text).substr(0, position)) + "...";
  }
  return go_quote(token.text);
}

}  // namespace berth::cli
