// info (system info): docker's layout of what the engine and the host are,
// or --format over the Engine API's /info fields.
#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/template_output.h"
#include "cli/human_units.h"
#include "engine/system_info.h"

namespace berth::cli {

namespace {

std::string info_text(const nlohmann::ordered_json& info) {
  auto text = [&](const char* key) { return info[key].is_string() ? info[key].get<std::string>() : info[key].dump(); };
  std::string out = "Client:\n Context:    default\n Debug Mode: false\n\nServer:\n";
  out += fmt::format(" Containers: {}\n  Running: {}\n  Paused: {}\n  Stopped: {}\n", text("Containers"),
                     text("ContainersRunning"), text("ContainersPaused"), text("ContainersStopped"));
  out += fmt::format(" Images: {}\n Server Version: {}\n Storage Driver: {}\n", text("Images"), text("ServerVersion"),
                     text("Driver"));
  for (const auto& [key, value] : info["DriverStatus"].items()) out += fmt::format("  {}: {}\n", key, value.get<std::string>());
  out += fmt::format(" Logging Driver: {}\n Cgroup Driver: {}\n Cgroup Version: {}\n Plugins:\n", text("LoggingDriver"),
                     text("CgroupDriver"), text("CgroupVersion"));
  for (const auto& [kind, names] : info["Plugins"].items()) {
    std::string joined;
    for (const auto& name : names) joined += (joined.empty() ? "" : " ") + name.get<std::string>();
    out += fmt::format("  {}: {}\n", kind, joined);
  }
  std::string runtimes;
  for (const auto& [name, runtime] : info["Runtimes"].items()) runtimes += (runtimes.empty() ? "" : " ") + name;
  out += fmt::format(" Runtimes: {}\n Default Runtime: {}\n Security Options:\n  seccomp\n   Profile: builtin\n",
                     runtimes, text("DefaultRuntime"));
  out += fmt::format(" Kernel Version: {}\n Operating System: {}\n OSType: {}\n Architecture: {}\n CPUs: {}\n",
                     text("KernelVersion"), text("OperatingSystem"), text("OSType"), text("Architecture"),
                     text("NCPU"));
  out += fmt::format(" Total Memory: {}\n Name: {}\n Docker Root Dir: {}\n Debug Mode: false\n",
                     binary_size(info["MemTotal"].get<double>()), text("Name"), text("DockerRootDir"));
  out += " Experimental: false\n Insecure Registries:\n";
  for (const auto& registry : info["InsecureRegistries"]) out += "  " + registry.get<std::string>() + "\n";
  out += "  127.0.0.0/8\n Live Restore Enabled: true\n";
  return out;
}

}  // namespace

int command_info(Invocation& invocation) {
  std::string format;
  invocation.flags().add_option("-f,--format", format, "Format output using a custom template")->type_name("string");
  if (auto status = invocation.parse(no_args)) return *status;
  CommandEnv& env = invocation.env;
  auto containers = env.containers();
  if (!containers) return env.report(containers.error());
  auto images = env.images();
  if (!images) return env.report(images.error());
  auto info = system_info(**containers, **images, env.options());
  if (!info) return env.report(info.error());
  if (!format.empty()) return print_with_template(env, format, nlohmann::json::parse(info->dump()));
  env.out(info_text(*info));
  return 0;
}

}  // namespace berth::cli
