#include "cli/table_writer.h"

#include <cstdint>

namespace berth::cli {

namespace {

// Decodes one UTF-8 sequence at text[i]; invalid bytes count as one U+FFFD each.
char32_t decode_utf8(std::string_view text, size_t& i) {
  auto byte = static_cast<unsigned char>(text[i]);
  int length = byte < 0x80 ? 1 : (byte >> 5) == 0x6 ? 2 : (byte >> 4) == 0xe ? 3 : (byte >> 3) == 0x1e ? 4 : 0;
  if (length == 0 || i + length > text.size()) {
    ++i;
    return 0xfffd;
  }
  char32_t rune = length == 1 ? byte : byte & (0x7f >> length);
  for (int k = 1; k < length; ++k) {
    auto next = static_cast<unsigned char>(text[i + k]);
    if ((next & 0xc0) != 0x80) {
      ++i;
      return 0xfffd;
    }
    rune = (rune << 6) | (next & 0x3f);
  }
  i += length;
  return rune;
}

bool is_combining(char32_t r) {
  return (r >= 0x0300 && r <= 0x036f) || (r >= 0x1ab0 && r <= 0x1aff) || (r >= 0x1dc0 && r <= 0x1dff) ||
         (r >= 0x200b && r <= 0x200f) || (r >= 0x20d0 && r <= 0x20ff) || (r >= 0xfe00 && r <= 0xfe0f) ||
         (r >= 0xfe20 && r <= 0xfe2f);
}

bool is_wide(char32_t r) {
  return (r >= 0x1100 && r <= 0x115f) || (r >= 0x2e80 && r <= 0x303e) || (r >= 0x3041 && r <= 0x33ff) ||
         (r >= 0x3400 && r <= 0x4dbf) || (r >= 0x4e00 && r <= 0x9fff) || (r >= 0xa000 && r <= 0xa4cf) ||
         (r >= 0xac00 && r <= 0xd7a3) || (r >= 0xf900 && r <= 0xfaff) || (r >= 0xfe30 && r <= 0xfe4f) ||
         (r >= 0xff00 && r <= 0xff60) || (r >= 0xffe0 && r <= 0xffe6) || (r >= 0x1f300 && r <= 0x1f64f) ||
         (r >= 0x1f900 && r <= 0x1f9ff) || (r >= 0x20000 && r <= 0x3fffd);
}

struct Cell {
  std::string_view text;
  int width;
};
using Line = std::vector<Cell>;

// Go's tabwriter.Writer.format: a column block is a run of consecutive lines
// that have a tab-terminated cell in that column; its width is the widest cell
// plus padding, at least min_width. Blocks nest column by column.
class Formatter {
 public:
  Formatter(const std::vector<Line>& lines, bool last_line_open, int min_width, int padding)
      : lines_(lines), last_line_open_(last_line_open), min_width_(min_width), padding_(padding) {}

  std::string run() {
    format(0, lines_.size());
    return std::move(out_);
  }

 private:
  void format(size_t line0, size_t line1) {
    const size_t column = widths_.size();
    for (size_t line = line0; line < line1; ++line) {
      if (column + 1 >= lines_[line].size()) continue;
      write_lines(line0, line);
      line0 = line;
      int width = min_width_;
      for (; line < line1; ++line) {
        if (column + 1 >= lines_[line].size()) break;
        width = std::max(width, lines_[line][column].width + padding_);
      }
      widths_.push_back(width);
      format(line0, line);
      widths_.pop_back();
      line0 = line;
    }
    write_lines(line0, line1);
  }

  void write_lines(size_t line0, size_t line1) {
    for (size_t i = line0; i < line1; ++i) {
      const Line& line = lines_[i];
      for (size_t j = 0; j < line.size(); ++j) {
        out_ += line[j].text;
        if (j < widths_.size()) out_.append(size_t(widths_[j] - line[j].width), ' ');
      }
      if (!(last_line_open_ && i + 1 == lines_.size())) out_ += '\n';
    }
  }

  const std::vector<Line>& lines_;
  bool last_line_open_;
  int min_width_, padding_;
  std::vector<int> widths_;
  std::string out_;
};

}  // namespace

int display_width(std::string_view text) {
  int width = 0;
  for (size_t i = 0; i < text.size();) {
    char32_t rune = decode_utf8(text, i);
    width += is_combining(rune) ? 0 : is_wide(rune) ? 2 : 1;
  }
  return width;
}

std::string tabwriter_format(std::string_view text, int min_width, int padding) {
  std::vector<Line> lines;
  Line current;
  size_t start = 0;
  for (size_t i = 0; i <= text.size(); ++i) {
    if (i < text.size() && text[i] != '\t' && text[i] != '\n') continue;
    std::string_view cell = text.substr(start, i - start);
    current.push_back({cell, display_width(cell)});
    start = i + 1;
    if (i == text.size() || text[i] == '\n') {
      lines.push_back(std::move(current));
      current.clear();
    }
  }
  // The text after the last newline is an open line: written without a newline.
  bool last_line_open = true;
  if (!lines.empty() && lines.back().size() == 1 && lines.back()[0].text.empty()) {
    lines.pop_back();
    last_line_open = false;
  }
  return Formatter(lines, last_line_open, min_width, padding).run();
}

void TableWriter::add_row(const std::vector<std::string>& cells) {
  for (size_t i = 0; i < cells.size(); ++i) {
    if (i > 0) text_ += '\t';
    text_ += cells[i];
  }
  text_ += '\n';
}

void TableWriter::add_line(std::string_view line) {
  text_ += line;
  text_ += '\n';
}

}  // namespace berth::cli
