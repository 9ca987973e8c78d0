// pull and push: docker's header lines, the progress display, and the
// summary lines after.
#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/reference_display.h"
#include "cli/transfer_progress.h"
#include "oci/image_reference.h"

namespace berth::cli {

namespace {

TransferProgressRenderer make_renderer(CommandEnv& env, TransferProgressRenderer::Direction direction) {
  return TransferProgressRenderer(
      [&env](std::string_view text) { env.out(text); },
      {.direction = direction, .terminal = env.io().out_is_terminal, .width = env.io().out_width});
}

}  // namespace

void add_cert_dir_flag(CLI::App& flags, std::string& cert_dir) {
  flags.add_option("--cert-dir", cert_dir, "Use certificates at path (*.crt, *.cert, *.key) to connect to the registry")
      ->type_name("string");
}

int command_pull(Invocation& invocation) {
  bool quiet = false, disable_content_trust = true;
  std::string platform_text, cert_dir;
  auto& flags = invocation.flags();
  add_cert_dir_flag(flags, cert_dir);
  flags.add_flag("--disable-content-trust", disable_content_trust, "Skip image verification (default true)");
  flags.add_option("--platform", platform_text, "Set platform if server is multi-platform capable")
      ->type_name("string");
  flags.add_flag("-q,--quiet", quiet, "Suppress verbose output");
  if (auto status = invocation.parse(exactly(1))) return *status;

  CommandEnv& env = invocation.env;
  const std::string& name = invocation.args()[0];
  auto reference = parse_reference(name, /*add_default_tag=*/false);
  if (!reference) return env.report(reference.error());
  PullOptions options;
  if (!platform_text.empty()) {
    auto platform = parse_platform(platform_text);
    if (!platform) return env.report(platform.error());
    options.platform = *platform;
  }
  env.use_cert_dir(cert_dir);
  auto service = env.images();
  if (!service) return env.report(service.error());

  std::optional<TransferProgressRenderer> renderer;
  if (!quiet) {
    if (reference->tag.empty() && !reference->digest) env.out("Using default tag: latest\n");
    std::string tag_or_digest = reference->digest        ? reference->digest->str()
                                : reference->tag.empty() ? std::string("latest")
                                                         : reference->tag;
    env.out(fmt::format("{}: Pulling from {}\n", tag_or_digest, reference->repository));
    renderer.emplace(make_renderer(env, TransferProgressRenderer::Direction::pull));
    options.progress = [&renderer](const TransferEvent& event) { renderer->on_event(event); };
  }
  auto pulled = (*service)->pull(name, options);
  if (renderer) renderer->finish();
  if (!pulled) return env.report(pulled.error());
  if (!quiet) {
    env.out(fmt::format("Digest: {}\n", pulled->manifest_digest));
    env.out(fmt::format("Status: {} for {}\n", pulled->up_to_date ? "Image is up to date" : "Downloaded newer image",
                        familiar_string(pulled->reference)));
  }
  env.out(pulled->reference + "\n");
  return 0;
}

int command_push(Invocation& invocation) {
  bool quiet = false, disable_content_trust = true;
  std::string cert_dir;
  auto& flags = invocation.flags();
  add_cert_dir_flag(flags, cert_dir);
  flags.add_flag("--disable-content-trust", disable_content_trust, "Skip image signing (default true)");
  flags.add_flag("-q,--quiet", quiet, "Suppress verbose output");
  if (auto status = invocation.parse(exactly(1))) return *status;

  CommandEnv& env = invocation.env;
  const std::string& name = invocation.args()[0];
  auto reference = parse_reference(name, /*add_default_tag=*/false);
  if (!reference) return env.report(reference.error());
  env.use_cert_dir(cert_dir);
  auto service = env.images();
  if (!service) return env.report(service.error());

  PushOptions options;
  std::optional<TransferProgressRenderer> renderer;
  if (!quiet) {
    if (reference->tag.empty() && !reference->digest) env.out("Using default tag: latest\n");
    env.out(fmt::format("The push refers to repository [{}]\n", reference->name()));
    renderer.emplace(make_renderer(env, TransferProgressRenderer::Direction::push));
    options.progress = [&renderer](const TransferEvent& event) { renderer->on_event(event); };
  }
  auto pushed = (*service)->push(name, options);
  if (renderer) renderer->finish();
  if (!pushed) return env.report(pushed.error());
  if (quiet) {
    env.out(pushed->reference + "\n");
    return 0;
  }
  auto pushed_reference = parse_reference(pushed->reference, /*add_default_tag=*/false);
  std::string tag = pushed_reference && !pushed_reference->tag.empty() ? pushed_reference->tag
                    : reference->tag.empty()                           ? std::string("latest")
                                                                       : reference->tag;
  env.out(fmt::format("{}: digest: {} size: {}\n", tag, pushed->manifest_digest, pushed->manifest_size));
  return 0;
}

}  // namespace berth::cli
