// cp: files and folders between a container and the local filesystem.
#include <unistd.h>

#include <filesystem>

#include "cli/commands.h"
#include "cli/human_units.h"
#include "image/byte_stream.h"

namespace berth::cli {

namespace {

// One side of a copy: "CONTAINER:PATH", or a local path ("-" for a tar
// stream on stdin or stdout). As docker's: a path that starts with "/" (or
// "." ) is local even when it holds a ':'.
struct CopyEnd {
  std::string container;  // empty: local
  std::string path;
};

CopyEnd split_copy_argument(const std::string& argument) {
  if (argument.starts_with('/') || argument.starts_with('.')) return {"", argument};
  auto colon = argument.find(':');
  if (colon == std::string::npos) return {"", argument};
  return {argument.substr(0, colon), argument.substr(colon + 1)};
}

}  // namespace

int command_cp(Invocation& invocation) {
  CopyOptions options;
  bool quiet = false;
  auto& flags = invocation.flags();
  flags.add_flag("-a,--archive", options.archive, "Archive mode (copy all uid/gid information)");
  flags.add_flag("-L,--follow-link", options.follow_link, "Always follow symbol link in SRC_PATH");
  flags.add_flag("-q,--quiet", quiet,
                 "Suppress progress output during copy. Progress output is automatically suppressed if no terminal "
                 "is attached");
  if (auto status = invocation.parse(exactly(2))) return *status;
  CommandEnv& env = invocation.env;
  CopyEnd source = split_copy_argument(invocation.args()[0]);
  CopyEnd destination = split_copy_argument(invocation.args()[1]);
  if (source.container.empty() && destination.container.empty())
    return env.report(Error{"must specify at least one container source"});
  if (!source.container.empty() && !destination.container.empty())
    return env.report(Error{"copying between containers is not supported"});
  if (invocation.args()[0].empty()) return env.report(Error{"source can not be empty"});
  if (invocation.args()[1].empty()) return env.report(Error{"destination can not be empty"});
  auto containers = env.containers();
  if (!containers) return env.report(containers.error());

  Result<uint64_t> copied = 0;
  std::string target;
  if (!source.container.empty()) {
    if (destination.path == "-") {
      std::fflush(env.io().out);
      int fd = ::fileno(env.io().out);
      if (fd < 0) return env.report(Error{"cp: standard output has no file descriptor"});
      FdSink sink(fd);
      copied = (*containers)->archive_from_container(source.container, source.path, sink, options);
      quiet = true;  // stdout is the archive
    } else {
      copied = (*containers)->copy_from_container(source.container, source.path, destination.path, options);
      std::error_code error;
      auto absolute = std::filesystem::absolute(destination.path, error);
      target = error ? destination.path : absolute.lexically_normal().string();
    }
  } else if (source.path == "-") {
    FdSource input(::fileno(env.io().in));
    copied = (*containers)->extract_to_container(destination.container, destination.path, input, options);
    target = destination.container + ":" + destination.path;
  } else {
    copied = (*containers)->copy_to_container(destination.container, source.path, destination.path, options);
    target = destination.container + ":" + destination.path;
  }
  if (!copied) return env.report(copied.error());
  // As docker's (23+): the tar stream's size, only when stdout is a terminal.
  if (!quiet && env.io().out_is_terminal)
    env.err(fmt::format("Successfully copied {} to {}\n", human_size_with_precision(double(*copied), 3), target));
  return 0;
}

}  // namespace berth::cli
