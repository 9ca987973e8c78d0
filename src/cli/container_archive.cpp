// export and commit: a container's filesystem as a tar stream, and its
// changes as a new image.
#include <unistd.h>

#include "cli/commands.h"
#include "cli/stdio_files.h"
#include "image/byte_stream.h"

namespace berth::cli {

int command_export(Invocation& invocation) {
  std::string output;
  invocation.flags().add_option("-o,--output", output, "Write to a file, instead of STDOUT")->type_name("string");
  if (auto status = invocation.parse(exactly(1))) return *status;
  CommandEnv& env = invocation.env;
  if (output.empty() && env.io().out_is_terminal)
    return env.report(Error{"cowardly refusing to save to a terminal. Use the -o flag or redirect"});
  auto containers = env.containers();
  if (!containers) return env.report(containers.error());
  const std::string& name = invocation.args()[0];
  if (output.empty()) {
    std::fflush(env.io().out);
    int fd = ::fileno(env.io().out);
    if (fd < 0) return env.report(Error{"export: standard output has no file descriptor"});
    FdSink sink(fd);
    if (auto exported = (*containers)->export_filesystem(name, sink); !exported) return env.report(exported.error());
    return 0;
  }
  auto file = OutputFile::create(output);
  if (!file) return env.report(file.error());
  FdSink sink(file->fd());
  if (auto exported = (*containers)->export_filesystem(name, sink); !exported) return env.report(exported.error());
  if (auto committed = file->commit(); !committed) return env.report(committed.error());
  return 0;
}

int command_commit(Invocation& invocation) {
  CommitOptions options;
  auto& flags = invocation.flags();
  flags.add_option("-a,--author", options.author, "Author (e.g., \"John Hannibal Smith <hannibal@a-team.com>\")")
      ->type_name("string");
  flags.add_option("-c,--change", options.changes, "Apply Dockerfile instruction to the created image")
      ->type_name("list")
      ->allow_extra_args(false);
  flags.add_option("-m,--message", options.comment, "Commit message")->type_name("string");
  flags.add_flag("-p,--pause", options.pause, "Pause container during commit (default true)");
  if (auto status = invocation.parse({1, 2})) return *status;
  CommandEnv& env = invocation.env;
  if (invocation.args().size() == 2) options.reference = invocation.args()[1];
  auto containers = env.containers();
  if (!containers) return env.report(containers.error());
  auto id = (*containers)->commit(invocation.args()[0], options);
  if (!id) return env.report(id.error());
  env.out(id->str() + "\n");
  return 0;
}

}  // namespace berth::cli
