#include "cli/key_value_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "base/unique_fd.h"
#include "cli/flag_values.h"

namespace berth::cli {

namespace {

constexpr std::string_view kWhitespace = " \t";
constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

// Splits a stream into lines as bufio.ScanLines does ("\r\n" and "\n"
// end a line; a last line without one still counts) and parses each.
class KeyValueLines {
 public:
  explicit KeyValueLines(const EnvLookup& lookup) : lookup_(lookup) {}

  Status feed(std::string_view chunk) {
    pending_ += chunk;
    size_t start = 0;
    for (size_t newline = pending_.find('\n'); newline != std::string::npos; newline = pending_.find('\n', start)) {
      BERTH_TRY(line(std::string_view(pending_).substr(start, newline - start)));
      start = newline + 1;
    }
    pending_.erase(0, start);
    if (pending_.size() > key_value_max_line)
      return fail("line {}: longer than {} bytes (bufio.Scanner: token too long)", number_ + 1, key_value_max_line);
    return {};
  }

  Result<std::vector<std::string>> finish() {
    if (!pending_.empty()) BERTH_TRY(line(pending_));
    return std::move(lines_);
  }

 private:
  Status line(std::string_view text) {
    ++number_;
    if (text.ends_with('\r')) text.remove_suffix(1);
    if (text.size() > key_value_max_line)
      return fail("line {}: longer than {} bytes (bufio.Scanner: token too long)", number_, key_value_max_line);
    if (!valid_utf8(text)) return fail("invalid utf8 bytes at line {}", number_);
    if (text.find('\0') != std::string_view::npos) return fail("line {}: contains a NUL byte", number_);
    if (number_ == 1 && text.starts_with(kUtf8Bom)) text.remove_prefix(kUtf8Bom.size());
    // unicode.IsSpace over ASCII; other Unicode spaces stay, as they are rare in these files.
    text.remove_prefix(std::min(text.find_first_not_of(" \t\n\v\f\r"), text.size()));
    if (text.empty() || text[0] == '#') return {};
    const size_t equals = text.find('=');
    const std::string_view key = text.substr(0, equals);
    if (key.empty()) return fail("line {}: no variable name on line '{}'", number_, text);
    if (key.find_first_of(kWhitespace) != std::string_view::npos)
      return fail("line {}: variable '{}' contains whitespaces", number_, key);
    if (equals != std::string_view::npos) {
      lines_.emplace_back(text);
    } else if (lookup_) {
      if (auto value = lookup_(std::string(key))) lines_.push_back(std::string(key) + "=" + *value);
    }
    return {};
  }

  const EnvLookup& lookup_;
  std::string pending_;
  size_t number_ = 0;
  std::vector<std::string> lines_;
};

}  // namespace

Result<std::vector<std::string>> parse_key_value_lines(std::string_view content, const EnvLookup& lookup) {
  KeyValueLines lines(lookup);
  BERTH_TRY(lines.feed(content));
  return lines.finish();
}

Result<std::vector<std::string>> read_key_value_file(const std::string& path, std::string_view kind,
                                                     const EnvLookup& lookup) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return fail_errno(errno, "open {}", path);
  KeyValueLines lines(lookup);
  char buffer[16 * 1024];
  while (true) {
    const ssize_t got = ::read(fd.get(), buffer, sizeof buffer);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return fail_errno(errno, "read {}", path);
    if (got == 0) break;
    if (auto fed = lines.feed(std::string_view(buffer, static_cast<size_t>(got))); !fed)
      return fail("invalid {} file ({}): {}", kind, path, fed.error().message);
  }
  auto parsed = lines.finish();
  if (!parsed) return fail("invalid {} file ({}): {}", kind, path, parsed.error().message);
  return parsed;
}

}  // namespace berth::cli
