// One function per berth-runtime verb. Each returns the process exit code
// and reports its own errors through Globals::report.
#pragma once

#include <string>
#include <vector>

#include "base/result.h"
#include "runtime/container_state.h"

namespace berth::cli {

struct Globals {
  std::string root{runtime::default_state_root};
  std::string log_path;
  std::string log_format = "text";
  bool debug = false;

  runtime::StateStore store() const { return runtime::StateStore(root); }
  // Prints the error on stderr and, with --log, appends it to the log file
  // (as a JSON line with --log-format json: conmon and containerd read that).
  int report(const Error& error) const;
  void log_debug(const std::string& message) const;
};

struct CreateFlags {
  std::string id, bundle = ".", pid_file, console_socket;
  int preserve_fds = 0;
  bool no_pivot = false, no_new_keyring = false;
  bool detach = false, keep = false;  // run only
};

struct ExecFlags {
  std::vector<std::string> words;  // container id, then the command
  std::string console_socket, cwd, user, process_file, pid_file;
  std::vector<std::string> env, capabilities, additional_gids;
  bool tty = false, detach = false, no_new_privs = false;
  int preserve_fds = 0;
};

struct UpdateFlags {
  std::string id, resources_file;
  std::string memory, memory_reservation, memory_swap, kernel_memory, kernel_memory_tcp;
  std::string cpu_period, cpu_quota, cpu_share, cpu_rt_period, cpu_rt_runtime, cpuset_cpus, cpuset_mems;
  std::string pids_limit, blkio_weight;
};

int verb_create(const Globals& globals, const CreateFlags& flags);
int verb_run(const Globals& globals, const CreateFlags& flags);
int verb_start(const Globals& globals, const std::string& id);
int verb_kill(const Globals& globals, const std::string& id, const std::string& signal, bool all);
int verb_delete(const Globals& globals, const std::string& id, bool force);
int verb_state(const Globals& globals, const std::string& id);
int verb_list(const Globals& globals, const std::string& format, bool quiet);
int verb_ps(const Globals& globals, const std::string& format, const std::vector<std::string>& words);
int verb_pause(const Globals& globals, const std::string& id);
int verb_resume(const Globals& globals, const std::string& id);
int verb_update(const Globals& globals, const UpdateFlags& flags);
int verb_events(const Globals& globals, const std::string& id, bool stats, const std::string& interval);
int verb_exec(const Globals& globals, const ExecFlags& flags);
int verb_spec(const Globals& globals, const std::string& bundle, bool rootless);
int verb_features(const Globals& globals);

}  // namespace berth::cli
