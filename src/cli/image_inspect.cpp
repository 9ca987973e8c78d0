// image inspect: docker's JSON array (4-space indent, keys in the order the
// daemon writes them) or one line per image from a -f template.
#include <fmt/format.h>

#include <array>
#include <span>
#include <string_view>

#include "cli/commands.h"
#include "cli/go_json.h"
#include "cli/go_template.h"

namespace berth::cli {

namespace {

// The daemon serializes Go structs, so its keys come in field order; the
// engine hands us JSON objects with sorted keys. These are docker's orders
// for the objects people read most; other keys follow, sorted.
constexpr std::array<std::string_view, 20> image_keys = {"Id",
                                                         "RepoTags",
                                                         "RepoDigests",
                                                         "Parent",
                                                         "Comment",
                                                         "Created",
                                                         "Container",
                                                         "ContainerConfig",
                                                         "DockerVersion",
                                                         "Author",
                                                         "Config",
                                                         "Architecture",
                                                         "Variant",
                                                         "Os",
                                                         "OsVersion",
                                                         "Size",
                                                         "VirtualSize",
                                                         "GraphDriver",
                                                         "RootFS",
                                                         "Metadata"};
constexpr std::array<std::string_view, 25> config_keys = {
    "Hostname",     "Domainname",   "User",        "AttachStdin",     "AttachStdout",
    "AttachStderr", "ExposedPorts", "Tty",         "OpenStdin",       "StdinOnce",
    "Env",          "Cmd",          "Healthcheck", "ArgsEscaped",     "Image",
    "Volumes",      "WorkingDir",   "Entrypoint",  "NetworkDisabled", "MacAddress",
    "OnBuild",      "Labels",       "StopSignal",  "StopTimeout",     "Shell"};
constexpr std::array<std::string_view, 2> graph_driver_keys = {"Data", "Name"};
constexpr std::array<std::string_view, 2> rootfs_keys = {"Type", "Layers"};

// Keys in first_keys order, then the others sorted; nested objects sorted.
nlohmann::ordered_json ordered(const nlohmann::json& value, std::span<const std::string_view> first_keys = {}) {
  if (value.is_array()) {
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    for (const auto& item : value) out.push_back(ordered(item));
    return out;
  }
  if (!value.is_object()) return nlohmann::ordered_json(value);
  nlohmann::ordered_json out = nlohmann::ordered_json::object();
  for (std::string_view key : first_keys)
    if (auto found = value.find(std::string(key)); found != value.end()) out[std::string(key)] = ordered(*found);
  for (const auto& [key, item] : value.items())
    if (!out.contains(key)) out[key] = ordered(item);
  return out;
}

nlohmann::ordered_json ordered_image(const nlohmann::json& image) {
  nlohmann::ordered_json out = ordered(image, image_keys);
  if (!image.is_object()) return out;
  for (const char* key : {"Config", "ContainerConfig"})
    if (image.contains(key)) out[key] = ordered(image[key], config_keys);
  if (image.contains("GraphDriver")) out["GraphDriver"] = ordered(image["GraphDriver"], graph_driver_keys);
  if (image.contains("RootFS")) out["RootFS"] = ordered(image["RootFS"], rootfs_keys);
  return out;
}

struct InspectFlags {
  std::string format;
  std::string type;
  bool size = false;
};

// docker inspect's lookup: a container first, then an image, unless --type says.
Result<nlohmann::ordered_json> inspect_one(CommandEnv& env, const std::string& name, std::string_view type) {
  if (type.empty() || type == "container") {
    auto containers = env.containers();
    if (containers) {
      auto container = (*containers)->inspect(name);
      if (container || type == "container") return container;
      if (container.error().errno_value != ENOENT) return container;
    } else if (type == "container") {
      return std::unexpected(std::move(containers.error()));
    }
  }
  BERTH_ASSIGN(ImageService * images, env.images());
  auto image = images->inspect(name);
  if (!image) {
    if (type.empty()) return fail("No such object: {}", name);
    return std::unexpected(std::move(image.error()));
  }
  return ordered_image(*image);
}

int inspect_objects(Invocation& invocation, const InspectFlags& flags) {
  CommandEnv& env = invocation.env;
  std::optional<Template> format_template;
  if (!flags.format.empty() && flags.format != "json") {
    auto parsed = Template::parse(flags.format);
    if (!parsed) {
      env.err(fmt::format("template parsing error: {}\n", parsed.error().message));
      return 64;  // docker's status for a template that does not parse
    }
    format_template = std::move(*parsed);
  }

  std::vector<nlohmann::ordered_json> found;
  std::vector<std::string> errors;
  for (const std::string& name : invocation.args()) {
    auto inspected = inspect_one(env, name, flags.type);
    if (!inspected) {
      errors.push_back(inspected.error().message);
      continue;
    }
    found.push_back(std::move(*inspected));
  }

  std::string out;
  if (format_template) {
    for (const auto& object : found) {
      auto line = format_template->execute(nlohmann::json(object));
      if (!line) {
        errors.push_back(line.error().message);
        continue;
      }
      out += *line + "\n";
    }
  } else {
    nlohmann::ordered_json array = nlohmann::ordered_json::array();
    for (auto& object : found) array.push_back(std::move(object));
    out = go_json_indent(array, 4, /*escape_html=*/true) + "\n";
  }
  env.out(out);
  for (const std::string& error : errors) env.err("Error: " + error + "\n");
  return errors.empty() ? 0 : 1;
}

void add_format_flag(Invocation& invocation, InspectFlags& flags) {
  invocation.flags()
      .add_option("-f,--format", flags.format,
                  "Format output using a custom template:\n"
                  "'json':             Print in JSON format\n"
                  "'TEMPLATE':         Print output using the given Go template.\n"
                  "Refer to https://docs.docker.com/go/formatting/ for more information about formatting output "
                  "with templates")
      ->type_name("string");
}

}  // namespace

int command_image_inspect(Invocation& invocation) {
  InspectFlags flags;
  add_format_flag(invocation, flags);
  if (auto status = invocation.parse(at_least(1))) return *status;
  flags.type = "image";
  return inspect_objects(invocation, flags);
}

int command_container_inspect(Invocation& invocation) {
  InspectFlags flags;
  add_format_flag(invocation, flags);
  invocation.flags().add_flag("-s,--size", flags.size, "Display total file sizes");
  if (auto status = invocation.parse(at_least(1))) return *status;
  flags.type = "container";
  return inspect_objects(invocation, flags);
}

int command_inspect(Invocation& invocation) {
  InspectFlags flags;
  add_format_flag(invocation, flags);
  invocation.flags().add_flag("-s,--size", flags.size, "Display total file sizes if the type is container");
  invocation.flags().add_option("--type", flags.type, "Return JSON for specified type")->type_name("string");
  if (auto status = invocation.parse(at_least(1))) return *status;
  if (!flags.type.empty() && flags.type != "image" && flags.type != "container")
    return invocation.env.report(Error{fmt::format("\"{}\" is not a valid value for --type", flags.type)});
  return inspect_objects(invocation, flags);
}

}  // namespace berth::cli
