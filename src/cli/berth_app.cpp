#include "cli/berth_app.h"

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <span>

#include "cli/command_line.h"
#include "cli/commands.h"

namespace berth::cli {

namespace {

struct Command {
  std::vector<std::string_view> names;  // the first is the one help lists
  std::string_view usage;
  std::string_view description;
  CommandFunction run;
  std::string_view aliases = {};
};

const std::vector<Command>& container_commands() {
  static const std::vector<Command> commands = {
      {{"attach"}, "[OPTIONS] CONTAINER", "Attach local standard input, output, and error streams to a running container",
       command_attach, "berth container attach, berth attach"},
      {{"commit"}, "[OPTIONS] CONTAINER [REPOSITORY[:TAG]]", "Create a new image from a container's changes",
       command_commit, "berth container commit, berth commit"},
      {{"cp"},
       "[OPTIONS] CONTAINER:SRC_PATH DEST_PATH|-\n\tberth cp [OPTIONS] SRC_PATH|- CONTAINER:DEST_PATH",
       "Copy files/folders between a container and the local filesystem", command_cp,
       "berth container cp, berth cp"},
      {{"create"}, "[OPTIONS] IMAGE [COMMAND] [ARG...]", "Create a new container", command_create,
       "berth container create, berth create"},
      {{"diff"}, "CONTAINER", "Inspect changes to files or directories on a container's filesystem", command_diff,
       "berth container diff, berth diff"},
      {{"exec"}, "[OPTIONS] CONTAINER COMMAND [ARG...]", "Execute a command in a running container", command_exec,
       "berth container exec, berth exec"},
      {{"export"}, "[OPTIONS] CONTAINER", "Export a container's filesystem as a tar archive", command_export,
       "berth container export, berth export"},
      // Hidden (no description): what a shim runs every healthcheck interval.
      {{"health-probe"}, "CONTAINER", "", command_health_probe},
      {{"inspect"}, "[OPTIONS] CONTAINER [CONTAINER...]", "Display detailed information on one or more containers",
       command_container_inspect},
      {{"kill"}, "[OPTIONS] CONTAINER [CONTAINER...]", "Kill one or more running containers", command_kill,
       "berth container kill, berth kill"},
      {{"logs"}, "[OPTIONS] CONTAINER", "Fetch the logs of a container", command_logs,
       "berth container logs, berth logs"},
      {{"ls", "list", "ps"}, "[OPTIONS]", "List containers", command_ps,
       "berth container ls, berth container list, berth container ps, berth ps"},
      {{"pause"}, "CONTAINER [CONTAINER...]", "Pause all processes within one or more containers", command_pause,
       "berth container pause, berth pause"},
      {{"port"}, "CONTAINER [PRIVATE_PORT[/PROTO]]", "List port mappings or a specific mapping for the container",
       command_port, "berth container port, berth port"},
      {{"prune"}, "[OPTIONS]", "Remove all stopped containers", command_container_prune},
      {{"rename"}, "CONTAINER NEW_NAME", "Rename a container", command_rename, "berth container rename, berth rename"},
      {{"restart"}, "[OPTIONS] CONTAINER [CONTAINER...]", "Restart one or more containers", command_restart,
       "berth container restart, berth restart"},
      {{"rm", "remove"}, "[OPTIONS] CONTAINER [CONTAINER...]", "Remove one or more containers", command_rm,
       "berth container rm, berth container remove, berth rm"},
      {{"run"}, "[OPTIONS] IMAGE [COMMAND] [ARG...]", "Create and run a new container from an image", command_run,
       "berth container run, berth run"},
      {{"start"}, "[OPTIONS] CONTAINER [CONTAINER...]", "Start one or more stopped containers", command_start,
       "berth container start, berth start"},
      {{"stats"}, "[OPTIONS] [CONTAINER...]", "Display a live stream of container(s) resource usage statistics",
       command_stats, "berth container stats, berth stats"},
      {{"stop"}, "[OPTIONS] CONTAINER [CONTAINER...]", "Stop one or more running containers", command_stop,
       "berth container stop, berth stop"},
      {{"top"}, "CONTAINER [ps OPTIONS]", "Display the running processes of a container", command_top,
       "berth container top, berth top"},
      {{"unpause"}, "CONTAINER [CONTAINER...]", "Unpause all processes within one or more containers",
       command_unpause, "berth container unpause, berth unpause"},
      {{"update"}, "[OPTIONS] CONTAINER [CONTAINER...]", "Update configuration of one or more containers",
       command_update, "berth container update, berth update"},
      {{"wait"}, "CONTAINER [CONTAINER...]", "Block until one or more containers stop, then print their exit codes",
       command_wait, "berth container wait, berth wait"},
  };
  return commands;
}

const std::vector<Command>& image_commands() {
  static const std::vector<Command> commands = {
      {{"history"},
       "[OPTIONS] IMAGE",
       "Show the history of an image",
       command_history,
       "berth image history, berth history"},
      {{"import"},
       "[OPTIONS] file|URL|- [REPOSITORY[:TAG]]",
       "Import the contents from a tarball to create a filesystem image",
       command_import,
       "berth image import, berth import"},
      {{"inspect"},
       "[OPTIONS] IMAGE [IMAGE...]",
       "Display detailed information on one or more images",
       command_image_inspect},
      {{"load"},
       "[OPTIONS]",
       "Load an image from a tar archive or STDIN",
       command_load,
       "berth image load, berth load"},
      {{"ls", "list"},
       "[OPTIONS] [REPOSITORY[:TAG]]",
       "List images",
       command_images,
       "berth image ls, berth image list, berth images"},
      {{"prune"}, "[OPTIONS]", "Remove unused images", command_image_prune},
      {{"pull"},
       "[OPTIONS] NAME[:TAG|@DIGEST]",
       "Download an image from a registry",
       command_pull,
       "berth image pull, berth pull"},
      {{"push"}, "[OPTIONS] NAME[:TAG]", "Upload an image to a registry", command_push, "berth image push, berth push"},
      {{"rm", "remove"},
       "[OPTIONS] IMAGE [IMAGE...]",
       "Remove one or more images",
       command_rmi,
       "berth image rm, berth image remove, berth rmi"},
      {{"save"},
       "[OPTIONS] IMAGE [IMAGE...]",
       "Save one or more images to a tar archive (streamed to STDOUT by default)",
       command_save,
       "berth image save, berth save"},
      {{"tag"},
       "SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]",
       "Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE",
       command_tag,
       "berth image tag, berth tag"},
  };
  return commands;
}

const std::vector<Command>& system_commands() {
  static const std::vector<Command> commands = {
      {{"df"}, "[OPTIONS]", "Show berth disk usage", command_system_df},
      {{"events"}, "[OPTIONS]", "Get real time events from the server", command_events,
       "berth system events, berth events"},
      {{"info"}, "[OPTIONS]", "Display system-wide information", command_info, "berth system info, berth info"},
      {{"prune"}, "[OPTIONS]", "Remove unused data", command_system_prune},
  };
  return commands;
}

const std::vector<Command>& volume_commands() {
  static const std::vector<Command> commands = {
      {{"create"}, "[OPTIONS] [VOLUME]", "Create a volume", command_volume_create},
      {{"inspect"},
       "[OPTIONS] VOLUME [VOLUME...]",
       "Display detailed information on one or more volumes",
       command_volume_inspect},
      {{"ls", "list"}, "[OPTIONS]", "List volumes", command_volume_ls, "berth volume ls, berth volume list"},
      {{"prune"}, "[OPTIONS]", "Remove unused local volumes", command_volume_prune},
      {{"rm", "remove"},
       "[OPTIONS] VOLUME [VOLUME...]",
       "Remove one or more volumes",
       command_volume_rm,
       "berth volume rm, berth volume remove"},
  };
  return commands;
}

struct Group {
  std::string_view name;
  std::string_view description;
  const std::vector<Command>& (*commands)();
};

constexpr Group groups[] = {
    {"container", "Manage containers", container_commands},
    {"image", "Manage images", image_commands},
    {"system", "Manage Berth", system_commands},
    {"volume", "Manage volumes", volume_commands},
};

// The name a group's command also has at the top level: its alias of the
// form "berth NAME" ("berth ps" for "container ls"), if it has one.
std::string_view top_level_name(const Command& command) {
  constexpr std::string_view prefix = "berth ";
  for (std::string_view rest = command.aliases; !rest.empty();) {
    auto comma = rest.find(", ");
    std::string_view alias = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 2);
    if (alias.starts_with(prefix) && alias.find(' ', prefix.size()) == std::string_view::npos)
      return alias.substr(prefix.size());
  }
  return {};
}

// Commands of their own, plus every group command that has a top-level name.
const std::vector<Command>& top_level_commands() {
  static const std::vector<Command> commands = [] {
    std::vector<Command> all = {
        {{"inspect"}, "[OPTIONS] NAME|ID [NAME|ID...]", "Return low-level information on Berth objects", command_inspect},
        {{"login"}, "[OPTIONS] [SERVER]", "Authenticate to a registry", command_login},
        {{"logout"}, "[SERVER]", "Log out from a registry", command_logout},
        {{"version"}, "[OPTIONS]", "Show the Berth version information", command_version},
    };
    for (const Group& group : groups) {
      for (const Command& command : group.commands()) {
        std::string_view name = top_level_name(command);
        if (name.empty()) continue;
        Command top = command;
        top.names = {name};
        all.push_back(std::move(top));
      }
    }
    std::sort(all.begin(), all.end(), [](const Command& a, const Command& b) { return a.names[0] < b.names[0]; });
    return all;
  }();
  return commands;
}

const Command* find_command(const std::vector<Command>& commands, std::string_view name) {
  for (const Command& command : commands)
    if (std::find(command.names.begin(), command.names.end(), name) != command.names.end()) return &command;
  return nullptr;
}

std::string command_list(const std::vector<Command>& commands) {
  size_t width = 0;
  for (const Command& command : commands)
    if (!command.description.empty()) width = std::max(width, command.names.front().size());
  std::string out;
  for (const Command& command : commands)
    if (!command.description.empty())
      out += fmt::format("  {:<{}}  {}\n", command.names.front(), std::max<size_t>(width, 10), command.description);
  return out;
}

std::string root_help(const CLI::App& root) {
  std::string out = "\nUsage:  berth [OPTIONS] COMMAND\n\nContainers without a daemon\n\nCommands:\n";
  out += command_list(top_level_commands());
  out += "\nManagement Commands:\n";
  for (const Group& group : groups) out += fmt::format("  {:<10}  {}\n", group.name, group.description);
  out += "\nGlobal Options:\n" + options_help(root);
  out += "\nRun 'berth COMMAND --help' for more information on a command.\n";
  return out;
}

std::string group_help(const Group& group) {
  return fmt::format(
      "\nUsage:  berth {} COMMAND\n\n{}\n\nCommands:\n{}\nRun 'berth {} COMMAND --help' for more "
      "information on a command.\n",
      group.name, group.description, command_list(group.commands()), group.name);
}

int flag_error(CommandEnv& env, const std::string& message, std::string_view path) {
  env.err(fmt::format("{}\nSee '{} --help'.\n", message, path));
  return usage_error_status;
}

int not_a_command(CommandEnv& env, std::string_view words) {
  env.err(fmt::format("berth: '{}' is not a berth command.\nSee 'berth --help'\n", words));
  return 1;
}

int run_command(CommandEnv& env, const Command& command, std::string path, std::span<const std::string> words,
                const CommandDone& done) {
  CommandInfo info{.path = std::move(path),
                   .usage = std::string(command.usage),
                   .description = std::string(command.description),
                   .aliases = std::string(command.aliases)};
  Invocation invocation(env, std::move(info), std::vector<std::string>(words.begin(), words.end()));
  int status = command.run(invocation);
  if (done) done(status);
  return status;
}

}  // namespace

int run_berth(const std::vector<std::string>& args, const Io& io, EngineOptions options,
              ImageServiceFactory open_images, UnixClock clock, CommandDone done) {
  // Global flags come before the command, as docker's; everything from the
  // command on is the command's.
  CLI::App root{"Containers without a daemon", "berth"};
  root.prefix_command();
  root.set_help_flag("-h,--help", "Print usage");
  std::string root_dir, runroot_dir;
  std::vector<std::string> insecure_registries;
  bool show_version = false;
  root.add_flag("-v,--version", show_version, "Print version information and quit");
  root.add_option("--root", root_dir, "Root of persistent state (default \"/var/lib/berth\", $BERTH_ROOT)")
      ->type_name("string");
  root.add_option("--runroot", runroot_dir, "Root of run state (default \"/run/berth\", $BERTH_RUNROOT)")
      ->type_name("string");
  root.add_option("--insecure-registry", insecure_registries, "Registry to reach over plain HTTP (repeatable)")
      ->type_name("list")
      ->allow_extra_args(false);

  CommandEnv env(io, {}, {}, {});
  std::vector<std::string> reversed(args.rbegin(), args.rend());
  try {
    root.parse(reversed);
  } catch (const CLI::CallForHelp&) {
    env.out(root_help(root));
    return 0;
  } catch (const CLI::ArgumentMismatch& error) {
    std::string what = error.what();
    return flag_error(env, "flag needs an argument: " + what.substr(0, what.find(':')), "berth");
  } catch (const CLI::ParseError& error) {
    return flag_error(env, error.what(), "berth");
  }
  if (show_version) {
    env.out(version_line());
    return 0;
  }
  const std::vector<std::string> words = root.remaining();
  if (words.empty()) {
    env.out(root_help(root));
    return 0;
  }
  if (words[0].size() > 1 && words[0][0] == '-')
    return flag_error(env, fmt::format("unknown flag: {}", words[0].substr(0, words[0].find('='))), "berth");

  if (!root_dir.empty()) options.root = root_dir;
  if (!runroot_dir.empty()) options.runroot = runroot_dir;
  for (const std::string& registry : insecure_registries)
    if (std::find(options.insecure_registries.begin(), options.insecure_registries.end(), registry) ==
        options.insecure_registries.end())
      options.insecure_registries.push_back(registry);
  CommandEnv command_env(io, std::move(options), std::move(open_images), std::move(clock));

  std::span<const std::string> rest(words);
  if (const Command* command = find_command(top_level_commands(), words[0]))
    return run_command(command_env, *command, words[0], rest.subspan(1), done);
  for (const Group& group : groups) {
    if (words[0] != group.name) continue;
    if (words.size() == 1 || words[1] == "--help" || words[1] == "-h") {
      command_env.out(group_help(group));
      return 0;
    }
    if (words[1].size() > 1 && words[1][0] == '-')
      return flag_error(command_env, fmt::format("unknown flag: {}", words[1].substr(0, words[1].find('='))),
                        fmt::format("berth {}", group.name));
    const Command* command = find_command(group.commands(), words[1]);
    if (!command) return not_a_command(command_env, fmt::format("{} {}", group.name, words[1]));
    return run_command(command_env, *command, fmt::format("{} {}", group.name, words[1]), rest.subspan(2), done);
  }
  return not_a_command(command_env, words[0]);
}

}  // namespace berth::cli
