#include "registry/registry_options.h"

#include <pwd.h>
#include <unistd.h>

#include <cstdlib>

namespace berth {

std::filesystem::path default_docker_config_path() {
  if (const char* dir = std::getenv("DOCKER_CONFIG"); dir && *dir) return std::filesystem::path(dir) / "config.json";
  std::string home;
  if (const char* env = std::getenv("HOME"); env && *env) {
    home = env;
  } else if (const passwd* entry = ::getpwuid(::getuid()); entry && entry->pw_dir) {
    home = entry->pw_dir;
  }
  return std::filesystem::path(home.empty() ? "/" : home) / ".docker" / "config.json";
}

}  // namespace berth
