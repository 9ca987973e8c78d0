// Aligned tables as docker prints them: Go's text/tabwriter with docker's
// settings (minimum cell width 10, padding 3, spaces). Cells are terminated by
// '\t'; the text after a line's last tab is not part of any column, so the
// last column is never padded.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace berth::cli {

// Columns of the display width of a string: runes, East Asian wide ones count
// two and combining marks none (what docker's go-runewidth measures).
int display_width(std::string_view text);

// Formats tab-separated text ('\t' between cells, '\n' after lines) exactly as
// tabwriter.NewWriter(out, min_width, 1, padding, ' ', 0) followed by Flush.
std::string tabwriter_format(std::string_view text, int min_width = 10, int padding = 3);

class TableWriter {
 public:
  explicit TableWriter(int min_width = 10, int padding = 3) : min_width_(min_width), padding_(padding) {}
  void add_row(const std::vector<std::string>& cells);
  // Adds a line already made of tab-separated cells (one template's output).
  void add_line(std::string_view line);
  std::string str() const { return tabwriter_format(text_, min_width_, padding_); }

 private:
  int min_width_, padding_;
  std::string text_;
};

}  // namespace berth::cli
