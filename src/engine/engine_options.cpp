#include <cstdlib>

#include "engine/image_service.h"

namespace berth {
namespace {

std::vector<std::string> split_list(std::string_view text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    auto comma = text.find(',', start);
    auto item = text.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (!item.empty()) out.emplace_back(item);
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return out;
}

}  // namespace

std::filesystem::path default_docker_config_path() {
  if (const char* dir = std::getenv("DOCKER_CONFIG"); dir && *dir) return std::filesystem::path(dir) / "config.json";
  const char* home = std::getenv("HOME");
  return std::filesystem::path(home && *home ? home : "/root") / ".docker" / "config.json";
}

EngineOptions engine_options_from_environment() {
  EngineOptions options;
  if (const char* root = std::getenv("BERTH_ROOT"); root && *root) options.root = root;
  if (const char* runroot = std::getenv("BERTH_RUNROOT"); runroot && *runroot) options.runroot = runroot;
  if (const char* insecure = std::getenv("BERTH_INSECURE_REGISTRIES"); insecure)
    options.insecure_registries = split_list(insecure);
  options.docker_config = default_docker_config_path();
  return options;
}

}  // namespace berth
