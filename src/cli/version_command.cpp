// `berth version` and `berth --version`, in docker's layout. There is no
// server: berth is the engine, so the client section is all there is.
#include <sys/utsname.h>

#include <fmt/format.h>

#include "base/version.h"
#include "cli/commands.h"
#include "cli/template_output.h"

namespace berth::cli {

namespace {

// Set by CMake on this file alone (so a new commit recompiles one file).
#ifdef BERTH_GIT_COMMIT
constexpr char kBerthGitCommit[] = BERTH_GIT_COMMIT;
#else
constexpr char kBerthGitCommit[] = "unknown";
#endif

std::string go_arch() {
  utsname name{};
  if (::uname(&name) != 0) return "unknown";
  std::string machine = name.machine;
  if (machine == "x86_64") return "amd64";
  if (machine == "aarch64") return "arm64";
  return machine;
}

nlohmann::json version_json() {
  return {{"Client",
           {{"Platform", {{"Name", "Berth"}}},
            {"Version", kBerthVersion},
            {"ApiVersion", kDockerApiVersion},
            {"DefaultAPIVersion", kDockerApiVersion},
            {"GitCommit", kBerthGitCommit},
            {"GoVersion", ""},
            {"Os", "linux"},
            {"Arch", go_arch()},
            {"BuildTime", ""},
            {"Context", "default"}}},
          {"Server", nullptr}};
}

}  // namespace

std::string version_line() { return fmt::format("Berth version {}, build {}\n", kBerthVersion, kBerthGitCommit); }

int command_version(Invocation& invocation) {
  std::string format;
  invocation.flags()
      .add_option("-f,--format", format, "Format output using a custom template")
      ->type_name("string");
  if (auto status = invocation.parse(no_args)) return *status;
  CommandEnv& env = invocation.env;
  nlohmann::json data = version_json();
  if (!format.empty()) return print_with_template(env, format, data);
  const auto& client = data["Client"];
  env.out(fmt::format(
      "Client: Berth\n"
      " Version:           {}\n"
      " API version:       {}\n"
      " Git commit:        {}\n"
      " OS/Arch:           {}/{}\n"
      " Context:           default\n",
      client["Version"].get<std::string>(), client["ApiVersion"].get<std::string>(),
      client["GitCommit"].get<std::string>(), client["Os"].get<std::string>(), client["Arch"].get<std::string>()));
  return 0;
}

}  // namespace berth::cli
