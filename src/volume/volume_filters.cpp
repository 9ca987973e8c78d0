#include "volume/volume_filters.h"

#include <string_view>

namespace berth::volume {

namespace {

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// Go's fmt "%s" of a []string: "[a b]".
std::string go_list(const std::set<std::string>& values) {
  std::string out = "[";
  for (const auto& value : values) out += (out.size() > 1 ? " " : "") + value;
  return out + "]";
}

// docker's filters.MatchKVList: every KEY[=VALUE] is among the labels.
bool labels_match(const std::set<std::string>& filters, const std::map<std::string, std::string>& labels) {
  if (filters.empty()) return true;
  if (labels.empty()) return false;
  for (const std::string& filter : filters) {
    auto equals = filter.find('=');
    auto label = labels.find(filter.substr(0, equals));
    if (label == labels.end()) return false;
    if (equals != std::string::npos && label->second != filter.substr(equals + 1)) return false;
  }
  return true;
}

// docker's filters.Match: the name itself, else a regular expression found
// anywhere in it. Berth matches the pattern as literal text with optional
// ^ and $ anchors (what volume-name filters use in practice): a backtracking
// regex engine on user input could take exponential time, Go's RE2 cannot.
bool name_matches(const std::set<std::string>& patterns, const std::string& name) {
  if (patterns.empty() || patterns.contains(name)) return true;
  for (std::string_view pattern : patterns) {
    bool at_start = pattern.starts_with('^'), at_end = pattern.ends_with('$');
    if (at_start) pattern.remove_prefix(1);
    if (at_end && !pattern.empty()) pattern.remove_suffix(1);
    std::string_view text = name;
    if (at_start && at_end ? text == pattern
        : at_start         ? text.starts_with(pattern)
        : at_end           ? text.ends_with(pattern)
                           : text.find(pattern) != std::string_view::npos)
      return true;
  }
  return false;
}

// Go's strconv.ParseBool.
std::optional<bool> parse_go_bool(std::string_view text) {
  for (std::string_view yes : {"1", "t", "T", "TRUE", "true", "True"})
    if (text == yes) return true;
  for (std::string_view no : {"0", "f", "F", "FALSE", "false", "False"})
    if (text == no) return false;
  return std::nullopt;
}

}  // namespace

Result<std::string> normalize_filter_flag(std::string_view flag) {
  auto equals = flag.find('=');
  if (equals == std::string_view::npos) return fail("bad format of filter (expected name=value)");
  std::string name(trim(flag.substr(0, equals)));
  for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return name + "=" + std::string(trim(flag.substr(equals + 1)));
}

Result<VolumeQuery> parse_volume_filters(const std::vector<std::string>& filters, FilterUse use) {
  std::map<std::string, std::set<std::string>> fields;
  for (const std::string& filter : filters) {
    auto equals = filter.find('=');
    if (equals == std::string::npos) return fail("bad format of filter (expected name=value)");
    fields[filter.substr(0, equals)].insert(filter.substr(equals + 1));
  }
  VolumeQuery query;
  if (use == FilterUse::prune) {
    // withPrune runs before the filters are validated.
    if (auto all = fields.find("all"); all != fields.end()) {
      if (all->second.size() > 1)
        return fail("invalid filter 'all={}': only one value is expected", go_list(all->second));
      auto value = parse_go_bool(*all->second.begin());
      if (!value)
        return fail("invalid filter 'all': strconv.ParseBool: parsing \"{}\": invalid syntax", *all->second.begin());
      query.all = *value;
    }
  }
  for (const auto& [name, values] : fields) {
    bool accepted = use == FilterUse::list
                        ? (name == "dangling" || name == "name" || name == "driver" || name == "label")
                        : (name == "label" || name == "label!" || name == "all");
    if (!accepted) return fail("invalid filter '{}'", name);
    if (name == "driver") query.drivers = values;
    if (name == "name") query.names = values;
    if (name == "label") query.labels = values;
    if (name == "label!") query.not_labels = values;
  }
  if (auto dangling = fields.find("dangling"); dangling != fields.end()) {
    const auto& values = dangling->second;
    bool is_true = values.contains("1") || values.contains("true");
    bool is_false = values.contains("0") || values.contains("false");
    if (is_true == is_false) return fail("invalid filter 'dangling={}'", go_list(values));
    query.dangling = is_true;
  }
  return query;
}

bool volume_matches(const VolumeQuery& query, const std::string& name, const std::string& driver,
                    const std::map<std::string, std::string>& labels) {
  if (!query.drivers.empty() && !query.drivers.contains(driver)) return false;
  if (!name_matches(query.names, name)) return false;
  if (!labels_match(query.labels, labels)) return false;
  if (!query.not_labels.empty() && labels_match(query.not_labels, labels)) return false;
  return true;
}

}  // namespace berth::volume
