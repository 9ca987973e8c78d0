#include "cli/volume_flags.h"

#include <fmt/format.h>

#include "volume/volume_filters.h"

namespace berth::cli {

int flag_value_error(Invocation& invocation, std::string_view value, std::string_view flag, std::string_view why) {
  invocation.env.err(fmt::format("invalid argument \"{}\" for \"{}\" flag: {}\nSee '{} --help'.\n", value, flag, why,
                                 invocation.command_path()));
  return usage_error_status;
}

std::optional<int> normalize_filter_flags(Invocation& invocation, std::vector<std::string>& filters,
                                          std::string_view flag) {
  for (std::string& filter : filters) {
    if (filter.empty()) continue;
    auto normalized = volume::normalize_filter_flag(filter);
    if (!normalized) return flag_value_error(invocation, filter, flag, normalized.error().message);
    filter = std::move(*normalized);
  }
  std::erase(filters, std::string());
  return std::nullopt;
}

nlohmann::json volume_row_fields(const volume::Volume& volume) {
  std::string labels;
  for (const auto& [key, value] : volume.labels) labels += (labels.empty() ? "" : ",") + key + "=" + value;
  // Size and Links are known to docker only with usage data (system df -v);
  // Group, Availability and Status only for cluster volumes.
  return nlohmann::json{{"Availability", "N/A"}, {"Driver", volume.driver}, {"Group", "N/A"},
                        {"Labels", labels},      {"Links", "N/A"},          {"Mountpoint", volume.mountpoint.string()},
                        {"Name", volume.name},   {"Scope", "local"},        {"Size", "N/A"},
                        {"Status", "N/A"}};
}

const nlohmann::json& volume_headers() {
  static const nlohmann::json headers{{"Availability", "AVAILABILITY"},
                                      {"Driver", "DRIVER"},
                                      {"Group", "GROUP"},
                                      {"Labels", "LABELS"},
                                      {"Links", "LINKS"},
                                      {"Mountpoint", "MOUNTPOINT"},
                                      {"Name", "VOLUME NAME"},
                                      {"Scope", "SCOPE"},
                                      {"Size", "SIZE"},
                                      {"Status", "STATUS"}};
  return headers;
}

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

bool natural_less(std::string_view a, std::string_view b) {
  size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    if (is_digit(a[i]) && is_digit(b[j])) {
      size_t a_end = i, b_end = j;
      while (a_end < a.size() && is_digit(a[a_end])) ++a_end;
      while (b_end < b.size() && is_digit(b[b_end])) ++b_end;
      // Compare by value: drop leading zeros, then the longer run is larger.
      std::string_view x = a.substr(i, a_end - i), y = b.substr(j, b_end - j);
      std::string_view x_value = x.substr(std::min(x.find_first_not_of('0'), x.size()));
      std::string_view y_value = y.substr(std::min(y.find_first_not_of('0'), y.size()));
      if (x_value.size() != y_value.size()) return x_value.size() < y_value.size();
      if (x_value != y_value) return x_value < y_value;
      if (x.size() != y.size()) return x.size() < y.size();
      i = a_end;
      j = b_end;
      continue;
    }
    if (a[i] != b[j]) return a[i] < b[j];
    ++i;
    ++j;
  }
  return a.size() - i < b.size() - j;
}

}  // namespace berth::cli
