#include "volume/volume_json.h"

#include <fmt/format.h>

#include <ctime>

namespace berth::volume {

std::string rfc3339_local(int64_t unix_seconds) {
  time_t seconds = static_cast<time_t>(unix_seconds);
  struct tm local {};
  ::localtime_r(&seconds, &local);
  std::string out = fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}", local.tm_year + 1900, local.tm_mon + 1,
                                local.tm_mday, local.tm_hour, local.tm_min, local.tm_sec);
  long offset = local.tm_gmtoff;
  if (offset == 0) return out + "Z";
  char sign = offset < 0 ? '-' : '+';
  if (offset < 0) offset = -offset;
  return out + fmt::format("{}{:02}:{:02}", sign, offset / 3600, offset / 60 % 60);
}

nlohmann::ordered_json volume_json(const Volume& volume) {
  nlohmann::ordered_json labels = nlohmann::ordered_json::object();
  for (const auto& [key, value] : volume.labels) labels[key] = value;
  nlohmann::ordered_json options = nlohmann::ordered_json::object();
  for (const auto& [key, value] : volume.options) options[key] = value;
  nlohmann::ordered_json out = nlohmann::ordered_json::object();
  out["CreatedAt"] = rfc3339_local(volume.created_unix);
  out["Driver"] = volume.driver;
  out["Labels"] = std::move(labels);
  out["Mountpoint"] = volume.mountpoint.string();
  out["Name"] = volume.name;
  out["Options"] = std::move(options);
  out["Scope"] = "local";
  return out;
}

}  // namespace berth::volume
