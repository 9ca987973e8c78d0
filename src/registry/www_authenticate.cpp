#include "registry/www_authenticate.h"

#include <algorithm>
#include <cctype>

namespace berth {

namespace {

bool is_space(char c) { return c == ' ' || c == '\t'; }

// RFC 7230 tchar, plus '/' so that token68 values stay in one piece.
bool is_token_char(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-.^_`|~/").find(c) != std::string_view::npos;
}

std::string lowercase(std::string_view text) {
  std::string out(text);
  std::ranges::transform(out, out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

class Scanner {
 public:
  explicit Scanner(std::string_view text) : text_(text) {}
  bool done() const { return position_ >= text_.size(); }
  char peek() const { return done() ? '\0' : text_[position_]; }
  void skip_spaces() {
    while (!done() && is_space(peek())) ++position_;
  }
  void skip_spaces_and_commas() {
    while (!done() && (is_space(peek()) || peek() == ',')) ++position_;
  }
  std::string_view token() {
    size_t start = position_;
    while (!done() && is_token_char(peek())) ++position_;
    return text_.substr(start, position_ - start);
  }
  // After the opening quote: up to the closing one, with "\x" meaning x.
  std::string quoted() {
    std::string value;
    ++position_;
    while (!done() && peek() != '"') {
      if (peek() == '\\' && position_ + 1 < text_.size()) ++position_;
      value += text_[position_++];
    }
    if (!done()) ++position_;  // closing quote
    return value;
  }
  void advance() { ++position_; }

 private:
  std::string_view text_;
  size_t position_ = 0;
};

}  // namespace

std::vector<AuthChallenge> parse_www_authenticate(std::string_view header) {
  std::vector<AuthChallenge> challenges;
  Scanner scanner(header);
  for (;;) {
    scanner.skip_spaces_and_commas();
    if (scanner.done()) break;
    std::string_view word = scanner.token();
    if (word.empty()) break;  // not a token: nothing more we can read
    scanner.skip_spaces();
    // "name=value" continues the current challenge; a bare word starts a new one.
    if (scanner.peek() == '=' && !challenges.empty()) {
      scanner.advance();
      scanner.skip_spaces();
      if (scanner.peek() == '=') {  // token68 padding ("abc=="): not a parameter
        while (scanner.peek() == '=') scanner.advance();
        continue;
      }
      std::string value = scanner.peek() == '"' ? scanner.quoted() : std::string(scanner.token());
      challenges.back().params[lowercase(word)] = std::move(value);
      continue;
    }
    if (scanner.peek() == '=') break;  // a parameter with no scheme before it
    challenges.push_back(AuthChallenge{lowercase(word), {}});
  }
  return challenges;
}

std::optional<AuthChallenge> choose_challenge(const std::vector<std::string>& header_values) {
  std::optional<AuthChallenge> basic;
  for (const auto& value : header_values) {
    for (auto& challenge : parse_www_authenticate(value)) {
      if (challenge.scheme == "bearer") return std::move(challenge);
      if (challenge.scheme == "basic" && !basic) basic = std::move(challenge);
    }
  }
  return basic;
}

}  // namespace berth
