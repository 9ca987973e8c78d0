// create, run, start, kill, delete, pause, resume.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/runtime/verbs.h"
#include "runtime/container_create.h"
#include "runtime/container_ops.h"
#include "runtime/foreground_wait.h"

namespace berth::cli {

namespace {

runtime::CreateOptions create_options(const CreateFlags& flags) {
  runtime::CreateOptions options;
  options.id = flags.id;
  options.bundle = flags.bundle;
  options.pid_file = flags.pid_file;
  options.console_socket = flags.console_socket;
  options.preserve_fds = flags.preserve_fds;
  options.no_pivot = flags.no_pivot;
  options.no_new_keyring = flags.no_new_keyring;
  return options;
}

int report_for(const Globals& globals, const std::string& id, Error error) {
  return globals.report(std::move(error).context(id));
}

}  // namespace

int verb_create(const Globals& globals, const CreateFlags& flags) {
  auto created = runtime::create_container(globals.store(), create_options(flags));
  if (!created) return globals.report(std::move(created.error()).context("create " + flags.id));
  return 0;
}

int verb_run(const Globals& globals, const CreateFlags& flags) {
  auto store = globals.store();
  // Blocked before the init exists, so a Ctrl-C cannot fall between create and wait.
  if (!flags.detach) runtime::block_forwarded_signals();
  auto options = create_options(flags);
  // In the foreground the init is our child: hand it `start` directly.
  options.hold_start = !flags.detach;
  options.own_terminal = !flags.detach;
  auto created = runtime::create_container(store, options);
  if (!created) return globals.report(std::move(created.error()).context("run " + flags.id));
  auto started = flags.detach ? runtime::start_container(store, flags.id) : runtime::start_created(*created);
  if (!started) {
    (void)runtime::delete_container(store, flags.id, true);
    return globals.report(std::move(started.error()).context("run " + flags.id));
  }
  if (flags.detach) return 0;
  int status = runtime::wait_in_foreground(created->state.pid, created->pty_master.get());
  if (!flags.keep) {
    if (auto deleted = runtime::delete_exited(store, *created); !deleted)
      globals.report(std::move(deleted.error()).context("delete " + flags.id));
  }
  return status;
}

int verb_start(const Globals& globals, const std::string& id) {
  if (auto started = runtime::start_container(globals.store(), id); !started)
    return report_for(globals, "start " + id, started.error());
  return 0;
}

int verb_kill(const Globals& globals, const std::string& id, const std::string& signal_name, bool all) {
  auto signal = runtime::parse_signal(signal_name);
  if (!signal) return globals.report(signal.error());
  if (auto killed = runtime::kill_container(globals.store(), id, *signal, all); !killed)
    return report_for(globals, "kill " + id, killed.error());
  return 0;
}

int verb_delete(const Globals& globals, const std::string& id, bool force) {
  auto deleted = runtime::delete_container(globals.store(), id, force);
  if (!deleted) {
    // runc: deleting a container that does not exist is fine with --force,
    // and clears what an interrupted create left (a directory without state).
    if (force && deleted.error().message == "container does not exist") {
      (void)globals.store().remove(id);
      return 0;
    }
    return report_for(globals, "delete " + id, deleted.error());
  }
  return 0;
}

int verb_pause(const Globals& globals, const std::string& id) {
  if (auto paused = runtime::pause_container(globals.store(), id); !paused)
    return report_for(globals, "pause " + id, paused.error());
  return 0;
}

int verb_resume(const Globals& globals, const std::string& id) {
  if (auto resumed = runtime::resume_container(globals.store(), id); !resumed)
    return report_for(globals, "resume " + id, resumed.error());
  return 0;
}

}  // namespace berth::cli
