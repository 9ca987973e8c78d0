#include "cli/reference_display.h"

#include "cli/table_writer.h"
#include "oci/image_reference.h"

namespace berth::cli {

std::string familiar_string(std::string_view full_reference) {
  auto parsed = parse_reference(full_reference, /*add_default_tag=*/false);
  if (!parsed) return std::string(full_reference);
  return parsed->familiar();
}

std::string ellipsis(std::string_view text, int max_width) {
  if (max_width <= 0) return "";
  if (display_width(text) <= max_width) return std::string(text);
  std::string out;
  int width = 0;
  for (size_t i = 0; i < text.size();) {
    size_t length = 1;
    auto byte = static_cast<unsigned char>(text[i]);
    if (byte >= 0xf0)
      length = 4;
    else if (byte >= 0xe0)
      length = 3;
    else if (byte >= 0xc0)
      length = 2;
    length = std::min(length, text.size() - i);
    std::string_view rune = text.substr(i, length);
    int rune_width = display_width(rune);
    if (width + rune_width > max_width - 1) break;
    out += rune;
    width += rune_width;
    i += length;
  }
  if (max_width == 1 && out.empty()) return std::string(text.substr(0, 1));
  return out + "…";
}

}  // namespace berth::cli
