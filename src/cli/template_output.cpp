#include "cli/template_output.h"

#include <fmt/format.h>

#include "cli/go_template.h"

namespace berth::cli {

int print_with_template(CommandEnv& env, std::string format, const nlohmann::json& data) {
  if (format == "json") format = "{{json .}}";
  auto parsed = Template::parse(format);
  if (!parsed) {
    env.err(fmt::format("template parsing error: {}\n", parsed.error().message));
    return 64;
  }
  auto text = parsed->execute(data);
  if (!text) return env.report(text.error());
  env.out(*text + "\n");
  return 0;
}

}  // namespace berth::cli
