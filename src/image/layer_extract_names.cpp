#include "image/layer_extract_names.h"

#include <climits>
#include <vector>

namespace berth {

Result<std::string> clean_entry_name(std::string_view name) {
  if (name.size() >= PATH_MAX) return fail("name is {} bytes, longer than PATH_MAX ({})", name.size(), PATH_MAX);
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (start <= name.size()) {
    size_t end = name.find('/', start);
    if (end == std::string_view::npos) end = name.size();
    std::string_view part = name.substr(start, end - start);
    start = end + 1;
    if (part.empty() || part == ".") continue;
    if (part == "..") {
      // Docker clamps such names to the root; a layer that needs that does
      // not exist outside of attacks, so the name is refused instead.
      if (parts.empty()) return fail("path escapes the layer root");
      parts.pop_back();
      continue;
    }
    if (part.size() > NAME_MAX)
      return fail("a path component is {} bytes, longer than NAME_MAX ({})", part.size(), NAME_MAX);
    parts.push_back(part);
  }
  std::string cleaned;
  cleaned.reserve(name.size());
  for (auto part : parts) {
    if (!cleaned.empty()) cleaned += '/';
    cleaned += part;
  }
  return cleaned;
}

std::string_view parent_path(std::string_view path) {
  size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? std::string_view() : path.substr(0, slash);
}

std::string_view base_name(std::string_view path) {
  size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

std::string quote_entry_name(std::string_view name) {
  constexpr size_t kShown = 96;
  if (name.size() <= kShown) return "\"" + std::string(name) + "\"";
  return "\"" + std::string(name.substr(0, kShown)) + "…\" (" + std::to_string(name.size()) + " bytes)";
}

}  // namespace berth
