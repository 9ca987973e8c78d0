// events (system events): docker's event stream, read from the engine's
// event log; it follows the log until --until passes or forever.
#include <fmt/format.h>

#include <chrono>
#include <ctime>
#include <map>
#include <set>

#include "cli/commands.h"
#include "cli/flag_values.h"
#include "cli/go_template.h"
#include "cli/volume_flags.h"
#include "engine/container_record_json.h"

namespace berth::cli {

namespace {

// docker's --filter keys for events, each a set of accepted values: within
// one key any value matches, across keys all must.
struct EventFilters {
  std::map<std::string, std::set<std::string>> values;

  bool matches(const Event& event) const {
    for (const auto& [key, accepted] : values) {
      auto attribute = [&](const char* name) {
        auto found = event.attributes.find(name);
        return found == event.attributes.end() ? std::string() : found->second;
      };
      bool any = false;
      for (const std::string& value : accepted) {
        if (key == "type") {
          any = event.type == value;
        } else if (key == "event") {
          // "exec_start" matches "exec_start: sh -c date", as docker's.
          any = event.action == value || event.action.starts_with(value + ":");
        } else if (key == "container") {
          any = event.type == "container" && (event.actor_id.starts_with(value) || attribute("name") == value);
        } else if (key == "image") {
          any = attribute("image") == value || (event.type == "image" && event.actor_id == value);
        } else if (key == "volume") {
          any = event.type == "volume" && event.actor_id == value;
        } else if (key == "label") {
          auto eq = value.find('=');
          auto found = event.attributes.find(value.substr(0, eq));
          any = found != event.attributes.end() && (eq == std::string::npos || found->second == value.substr(eq + 1));
        }
        if (any) break;
      }
      if (!any) return false;
    }
    return true;
  }
};

Result<EventFilters> parse_event_filters(const std::vector<std::string>& filters) {
  static const std::set<std::string> known = {"container", "event", "image", "label", "type", "volume"};
  EventFilters parsed;
  for (const std::string& filter : filters) {
    auto eq = filter.find('=');
    if (eq == std::string::npos) return fail("bad format of filter (expected name=value)");
    std::string key = filter.substr(0, eq);
    if (!known.contains(key)) return fail("invalid filter '{}'", key);
    parsed.values[key].insert(filter.substr(eq + 1));
  }
  return parsed;
}

std::string event_line(const Event& event) {
  std::string line = fmt::format("{} {} {} {}", rfc3339_nano(event.time_nano, /*local_zone=*/true), event.type, event.action, event.actor_id);
  if (!event.attributes.empty()) {
    std::string joined;
    for (const auto& [key, value] : event.attributes) joined += (joined.empty() ? "" : ", ") + key + "=" + value;
    line += " (" + joined + ")";
  }
  return line + "\n";
}

}  // namespace

int command_events(Invocation& invocation) {
  std::vector<std::string> filters;
  std::string format, since, until;
  auto& flags = invocation.flags();
  flags.add_option("-f,--filter", filters, "Filter output based on conditions provided")
      ->type_name("filter")
      ->allow_extra_args(false);
  flags.add_option("--format", format, "Format output using a custom template")->type_name("string");
  flags.add_option("--since", since, "Show all events created since timestamp")->type_name("string");
  flags.add_option("--until", until, "Stream events until this timestamp")->type_name("string");
  if (auto status = invocation.parse(no_args)) return *status;
  if (auto status = normalize_filter_flags(invocation, filters, "--filter")) return *status;
  CommandEnv& env = invocation.env;
  auto parsed_filters = parse_event_filters(filters);
  if (!parsed_filters) return env.report(parsed_filters.error());
  std::optional<Template> compiled;
  if (format == "json") format = "{{json .}}";
  if (!format.empty()) {
    auto parsed = Template::parse(format);
    if (!parsed) {
      env.err(fmt::format("template parsing error: {}\n", parsed.error().message));
      return 64;
    }
    compiled = std::move(*parsed);
  }
  int64_t now =
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  // Without --since: what happens from now on; with only --until, all that
  // the log holds up to then (as docker's).
  int64_t since_nano = until.empty() ? now : 0;
  std::optional<int64_t> until_nano;
  if (!since.empty()) {
    auto parsed = parse_timestamp(since, now);
    if (!parsed) return env.report(parsed.error());
    since_nano = *parsed;
  }
  if (!until.empty()) {
    auto parsed = parse_timestamp(until, now);
    if (!parsed) return env.report(parsed.error());
    until_nano = *parsed;
  }
  if (until_nano && since_nano > *until_nano)
    return env.report(Error{"since time is after until time"});
  auto containers = env.containers();
  if (!containers) return env.report(containers.error());
  Status printed;
  auto read = (*containers)->events().read(since_nano, until_nano, /*follow=*/true, [&](const Event& event) {
    if (!parsed_filters->matches(event)) return true;
    if (compiled) {
      auto text = compiled->execute(nlohmann::json::parse(event.docker_json().dump()));
      if (!text) {
        printed = std::unexpected(std::move(text.error()));
        return false;
      }
      env.out(*text + "\n");
    } else {
      env.out(event_line(event));
    }
    std::fflush(env.io().out);
    return true;
  });
  if (!read) return env.report(read.error());
  if (!printed) return env.report(printed.error());
  return 0;
}

}  // namespace berth::cli
