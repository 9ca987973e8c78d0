#include "cli/image_filters.h"

#include <algorithm>
#include <set>

#include "cli/path_match.h"
#include "oci/image_reference.h"

namespace berth::cli {

namespace {

std::string lowercase_trimmed(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view trimmed(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  return text;
}

// docker's reference.FamiliarMatch: the familiar string ("busybox:latest"),
// then the familiar name ("busybox").
Result<bool> familiar_match(std::string_view pattern, std::string_view full_reference) {
  auto parsed = parse_reference(full_reference, /*add_default_tag=*/false);
  if (!parsed) return false;
  BERTH_ASSIGN(bool matched, path_match(pattern, parsed->familiar()));
  if (matched) return true;
  auto by_name = path_match(pattern, parsed->familiar_name());
  return by_name && *by_name;
}

bool labels_match(const nlohmann::json& config, const std::vector<std::string>& filters) {
  if (filters.empty()) return true;
  auto inner = config.find("config");
  if (inner == config.end() || !inner->is_object()) return false;
  auto labels = inner->find("Labels");
  if (labels == inner->end() || !labels->is_object() || labels->empty()) return false;
  for (const std::string& filter : filters) {
    auto equals = filter.find('=');
    std::string key = filter.substr(0, equals);
    auto label = labels->find(key);
    if (label == labels->end()) return false;
    if (equals != std::string::npos && (!label->is_string() || label->get<std::string>() != filter.substr(equals + 1)))
      return false;
  }
  return true;
}

}  // namespace

Result<ImageQuery> parse_image_filters(const std::vector<std::string>& filters, bool all,
                                       const std::function<Result<int64_t>(std::string_view)>& resolve_created) {
  ImageQuery query{.all = all};
  std::vector<std::string> dangling_values, before, since;
  for (const std::string& filter : filters) {
    auto equals = filter.find('=');
    if (equals == std::string::npos) return fail("bad format of filter (expected name=value)");
    std::string name = lowercase_trimmed(std::string_view(filter).substr(0, equals));
    std::string value(trimmed(std::string_view(filter).substr(equals + 1)));
    if (name == "dangling")
      dangling_values.push_back(value);
    else if (name == "reference")
      query.references.push_back(value);
    else if (name == "label")
      query.labels.push_back(value);
    else if (name == "before")
      before.push_back(value);
    else if (name == "since")
      since.push_back(value);
    else
      return fail("invalid filter '{}'", name);
  }
  // As the daemon: any "true" selects dangling images only; anything but true/false is refused.
  for (const std::string& value : dangling_values) {
    std::string lower = lowercase_trimmed(value);
    if (lower == "true" || lower == "1")
      query.dangling = true;
    else if (lower == "false" || lower == "0") {
      if (!query.dangling) query.dangling = false;
    } else {
      return fail("invalid filter 'dangling={}'", value);
    }
  }
  // Several before= values mean the oldest of them, several since= the newest.
  for (const std::string& name : before) {
    BERTH_ASSIGN(int64_t created, resolve_created(name));
    if (!query.created_before || created < *query.created_before) query.created_before = created;
  }
  for (const std::string& name : since) {
    BERTH_ASSIGN(int64_t created, resolve_created(name));
    if (!query.created_since || created > *query.created_since) query.created_since = created;
  }
  return query;
}

Result<std::vector<ImageSummary>> select_images(std::vector<ImageSummary> images, const ImageQuery& query) {
  std::set<Digest> parents;
  for (const ImageSummary& image : images)
    if (image.parent) parents.insert(*image.parent);

  std::vector<ImageSummary> selected;
  for (ImageSummary& image : images) {
    if (query.created_before && !(image.created_unix < *query.created_before)) continue;
    if (query.created_since && !(image.created_unix > *query.created_since)) continue;
    if (!labels_match(image.config, query.labels)) continue;

    auto keep_matching = [&](std::vector<std::string>& references) -> Status {
      if (query.references.empty()) return {};
      std::vector<std::string> kept;
      for (std::string& reference : references) {
        bool found = false;
        for (const std::string& pattern : query.references) {
          BERTH_ASSIGN(found, familiar_match(pattern, reference));
          if (found) break;
        }
        if (found) kept.push_back(std::move(reference));
      }
      references = std::move(kept);
      return {};
    };
    BERTH_TRY(keep_matching(image.tags));
    BERTH_TRY(keep_matching(image.repo_digests));

    const bool has_children = parents.contains(image.id);
    if (query.dangling == true && has_children) continue;  // the daemon looks among image heads only
    if (image.tags.empty() && image.repo_digests.empty()) {
      if (!query.all && has_children) continue;  // an intermediate image
      if (query.dangling && !*query.dangling) continue;
      if (!query.references.empty()) continue;
    } else if (query.dangling && *query.dangling && !image.tags.empty()) {
      continue;
    }
    selected.push_back(std::move(image));
  }
  std::stable_sort(selected.begin(), selected.end(),
                   [](const ImageSummary& a, const ImageSummary& b) { return a.created_unix > b.created_unix; });
  return selected;
}

}  // namespace berth::cli
