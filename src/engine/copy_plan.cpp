#include "engine/copy_plan.h"

#include <fmt/format.h>

namespace berth {

namespace {

std::string_view trim_trailing_slashes(std::string_view path) {
  while (path.size() > 1 && path.ends_with('/')) path.remove_suffix(1);
  return path;
}

// "/a/b" → "/a", "b" → ".", "/b" → "/".
std::string parent_of(std::string_view path) {
  path = trim_trailing_slashes(path);
  auto slash = path.rfind('/');
  if (slash == std::string_view::npos) return ".";
  if (slash == 0) return "/";
  return std::string(path.substr(0, slash));
}

bool names_contents(std::string_view source) {
  return source == "." || source.ends_with("/.") || trim_trailing_slashes(source) == "/";
}

}  // namespace

std::string last_component(std::string_view path) {
  path = trim_trailing_slashes(path);
  auto slash = path.rfind('/');
  return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

Result<CopyPlan> plan_copy(std::string_view source, bool source_is_dir, std::string_view destination,
                           PathKind destination_kind) {
  if (destination.empty()) return fail("destination path is empty");
  bool contents = source_is_dir && names_contents(source);
  switch (destination_kind) {
    case PathKind::directory:
      return CopyPlan{std::string(destination), contents ? "" : last_component(source)};
    case PathKind::other:
      // docker's pkg/archive errors, word for word.
      if (source_is_dir) return fail("cannot copy directory");
      // A trailing "/" says the caller meant a directory.
      if (destination.ends_with('/')) return fail("not a directory");
      return CopyPlan{parent_of(destination), last_component(destination)};
    case PathKind::missing:
      if (!source_is_dir && destination.ends_with('/'))
        return fail("no such directory");
      return CopyPlan{parent_of(destination), last_component(destination)};
  }
  return fail("unknown destination kind");
}

}  // namespace berth
