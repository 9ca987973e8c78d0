// save, load and import: image archives in and out through stdio or the
// files named by -o / -i / FILE.
#include <fmt/format.h>

#include <cstdio>

#include "cli/commands.h"
#include "cli/stdio_files.h"
#include "cli/terminal.h"

namespace berth::cli {

int command_save(Invocation& invocation) {
  std::string output, format = "docker";
  auto& flags = invocation.flags();
  flags.add_option("--format", format, "Archive format: docker (docker-archive) or oci (oci-archive)")
      ->type_name("string");
  flags.add_option("-o,--output", output, "Write to a file, instead of STDOUT")->type_name("string");
  if (auto status = invocation.parse(at_least(1))) return *status;

  CommandEnv& env = invocation.env;
  SaveFormat save_format;
  if (format == "docker" || format == "docker-archive")
    save_format = SaveFormat::docker_archive;
  else if (format == "oci" || format == "oci-archive")
    save_format = SaveFormat::oci_archive;
  else
    return env.report(Error{fmt::format("invalid --format \"{}\": use docker or oci", format)});
  if (output.empty() && env.io().out_is_terminal)
    return env.report(Error{"cowardly refusing to save to a terminal. Use the -o flag or redirect"});
  auto service = env.images();
  if (!service) return env.report(service.error());

  if (output.empty()) {
    std::fflush(env.io().out);
    int fd = ::fileno(env.io().out);
    if (fd < 0) return env.report(Error{"save: standard output has no file descriptor"});
    if (auto saved = (*service)->save(invocation.args(), save_format, fd); !saved) return env.report(saved.error());
    return 0;
  }
  auto file = OutputFile::create(output);
  if (!file) return env.report(file.error());
  if (auto saved = (*service)->save(invocation.args(), save_format, file->fd()); !saved)
    return env.report(saved.error());
  if (auto committed = file->commit(); !committed) return env.report(committed.error());
  return 0;
}

int command_load(Invocation& invocation) {
  std::string input;
  bool quiet = false;
  auto& flags = invocation.flags();
  flags.add_option("-i,--input", input, "Read from tar archive file, instead of STDIN")->type_name("string");
  flags.add_flag("-q,--quiet", quiet, "Suppress the load output");
  if (auto status = invocation.parse(no_args)) return *status;

  CommandEnv& env = invocation.env;
  if (input.empty() && env.io().in_is_terminal)
    return env.report(Error{"requested load from stdin, but stdin is empty"});
  UniqueFd file;
  int fd = ::fileno(env.io().in);
  if (!input.empty()) {
    auto opened = open_input_file(input);
    if (!opened) return env.report(opened.error());
    file = std::move(*opened);
    fd = file.get();
  }
  if (fd < 0) return env.report(Error{"load: standard input has no file descriptor"});
  auto service = env.images();
  if (!service) return env.report(service.error());
  auto loaded = (*service)->load(fd);
  if (!loaded) return env.report(loaded.error());
  // --quiet hides progress, of which there is none yet; the result lines stay, as with docker.
  std::string out;
  for (const std::string& line : loaded->lines) out += line + "\n";
  if (loaded->lines.empty())
    for (const std::string& name : loaded->loaded)
      out += (name.starts_with("sha256:") ? "Loaded image ID: " : "Loaded image: ") + name + "\n";
  env.out(out);
  return 0;
}

int command_import(Invocation& invocation) {
  std::vector<std::string> changes;
  std::string message, platform_text;
  auto& flags = invocation.flags();
  flags.add_option("-c,--change", changes, "Apply Dockerfile instruction to the created image")
      ->type_name("list")
      ->allow_extra_args(false);
  flags.add_option("-m,--message", message, "Set commit message for imported image")->type_name("string");
  flags.add_option("--platform", platform_text, "Set platform if server is multi-platform capable")
      ->type_name("string");
  if (auto status = invocation.parse(between(1, 2))) return *status;

  CommandEnv& env = invocation.env;
  const std::string& source = invocation.args()[0];
  ImportOptions options{.changes = changes, .message = message};
  if (invocation.args().size() == 2) options.reference = invocation.args()[1];
  if (!platform_text.empty()) {
    auto platform = parse_platform(platform_text);
    if (!platform) return env.report(platform.error());
    options.platform = *platform;
  }
  if (source.starts_with("http://") || source.starts_with("https://"))
    return env.report(Error{fmt::format("import {}: importing from a URL is not supported yet", source)});

  UniqueFd file;
  int fd = ::fileno(env.io().in);
  if (source != "-") {
    auto opened = open_input_file(source);
    if (!opened) return env.report(opened.error());
    file = std::move(*opened);
    fd = file.get();
  }
  // docker streams a named file as "-" too, so history says "Imported from -".
  options.source_name = "-";
  auto service = env.images();
  if (!service) return env.report(service.error());
  auto imported = (*service)->import(fd, options);
  if (!imported) return env.report(imported.error());
  env.out(imported->str() + "\n");
  return 0;
}

}  // namespace berth::cli
