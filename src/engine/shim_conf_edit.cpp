#include "engine/shim_conf_edit.h"

#include <fmt/format.h>

#include <sstream>

#include "base/file_io.h"

namespace berth {

Status rewrite_shim_conf(const ContainerPaths& paths, const std::map<std::string, std::string>& values) {
  std::string file = paths.shim_conf().string();
  BERTH_ASSIGN(std::string config, read_file(file));
  std::istringstream lines(config);
  std::string line, out;
  while (std::getline(lines, line)) {
    auto eq = line.find('=');
    if (eq != std::string::npos && values.contains(line.substr(0, eq))) continue;
    out += line + "\n";
  }
  for (const auto& [key, value] : values) out += fmt::format("{}={}\n", key, value);
  return write_file_atomic(file, out, 0600, Durability::until_reboot);
}

}  // namespace berth
