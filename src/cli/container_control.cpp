// stop, kill, restart, rm and wait: docker prints each name given as it
// succeeds, reports each failure, and exits 1 if any failed.
#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/container_each.h"
#include "runtime/container_ops.h"

namespace berth::cli {

int command_stop(Invocation& invocation) {
  std::optional<int> timeout;
  std::string signal_name;
  auto& flags = invocation.flags();
  flags.add_option("-t,--time", timeout, "Seconds to wait before killing the container")->type_name("int");
  flags.add_option("-s,--signal", signal_name, "Signal to send to the container")->type_name("string");
  if (auto status = invocation.parse(at_least(1))) return *status;
  return for_each_container(invocation, [&](ContainerService& containers, const std::string& name) -> Status {
    BERTH_TRY(containers.stop(name, timeout));
    invocation.env.out(name + "\n");
    return {};
  });
}

int command_restart(Invocation& invocation) {
  std::optional<int> timeout;
  invocation.flags().add_option("-t,--time", timeout, "Seconds to wait before killing the container")->type_name("int");
  if (auto status = invocation.parse(at_least(1))) return *status;
  return for_each_container(invocation, [&](ContainerService& containers, const std::string& name) -> Status {
    BERTH_TRY(containers.stop(name, timeout));
    BERTH_TRY(containers.start(name));
    invocation.env.out(name + "\n");
    return {};
  });
}

int command_kill(Invocation& invocation) {
  std::string signal_name = "KILL";
  invocation.flags().add_option("-s,--signal", signal_name, "Signal to send to the container")->type_name("string");
  if (auto status = invocation.parse(at_least(1))) return *status;
  auto signal = runtime::parse_signal(signal_name);
  if (!signal) {
    invocation.env.report(Error{fmt::format("invalid signal: {}", signal_name)});
    return 1;
  }
  return for_each_container(invocation, [&](ContainerService& containers, const std::string& name) -> Status {
    BERTH_TRY(containers.kill(name, *signal));
    invocation.env.out(name + "\n");
    return {};
  });
}

int command_rm(Invocation& invocation) {
  RemoveOptions options;
  bool links = false;
  auto& flags = invocation.flags();
  flags.add_flag("-f,--force", options.force, "Force the removal of a running container (uses SIGKILL)");
  flags.add_flag("-l,--link", links, "Remove the specified link");
  flags.add_flag("-v,--volumes", options.volumes, "Remove anonymous volumes associated with the container");
  if (auto status = invocation.parse(at_least(1))) return *status;
  return for_each_container(invocation, [&](ContainerService& containers, const std::string& name) -> Status {
    auto removed = containers.remove(name, options);
    // As docker: with --force, a container that does not exist is no failure.
    if (!removed && options.force && removed.error().errno_value == ENOENT) return {};
    BERTH_TRY(std::move(removed));
    invocation.env.out(name + "\n");
    return {};
  });
}

int command_wait(Invocation& invocation) {
  if (auto status = invocation.parse(at_least(1))) return *status;
  return for_each_container(invocation, [&](ContainerService& containers, const std::string& name) -> Status {
    BERTH_ASSIGN(int code, containers.wait(name));
    invocation.env.out(fmt::format("{}\n", code));
    return {};
  });
}

}  // namespace berth::cli
