#include "engine/image_changes.h"

#include <algorithm>
#include <cctype>
#include <vector>

namespace berth {
namespace {

std::string_view trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  return text;
}

// Splits on whitespace; double or single quotes group, backslash escapes.
Result<std::vector<std::string>> split_words(std::string_view text) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  char quote = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\\' && quote != '\'' && i + 1 < text.size()) {
      word += text[++i];
      in_word = true;
    } else if (quote) {
      if (c == quote) quote = 0;
      else word += c;
    } else if (c == '"' || c == '\'') {
      quote = c;
      in_word = true;
    } else if (std::isspace(static_cast<unsigned char>(c))) {
      if (in_word) words.push_back(std::move(word));
      word.clear();
      in_word = false;
    } else {
      word += c;
      in_word = true;
    }
  }
  if (quote) return fail("unterminated quote");
  if (in_word) words.push_back(std::move(word));
  return words;
}

// JSON array form if it parses as an array of strings, else the shell form.
nlohmann::json command_form(std::string_view argument) {
  if (argument.starts_with('[')) {
    auto parsed = nlohmann::json::parse(argument, nullptr, false);
    if (parsed.is_array() && std::all_of(parsed.begin(), parsed.end(), [](auto& v) { return v.is_string(); }))
      return parsed;
  }
  return nlohmann::json::array({"/bin/sh", "-c", std::string(argument)});
}

Result<std::vector<std::pair<std::string, std::string>>> key_values(std::string_view argument, bool allow_legacy) {
  std::vector<std::pair<std::string, std::string>> pairs;
  BERTH_ASSIGN(auto words, split_words(argument));
  if (words.empty()) return fail("missing arguments");
  if (words[0].find('=') == std::string::npos) {
    if (!allow_legacy) return fail("expected KEY=VALUE, got \"{}\"", words[0]);
    // Legacy "ENV KEY value with spaces".
    auto space = argument.find_first_of(" \t");
    if (space == std::string_view::npos) return fail("\"{}\" has no value", words[0]);
    pairs.emplace_back(words[0], std::string(trim(argument.substr(space))));
    return pairs;
  }
  for (auto& word : words) {
    auto equals = word.find('=');
    if (equals == std::string::npos || equals == 0) return fail("expected KEY=VALUE, got \"{}\"", word);
    pairs.emplace_back(word.substr(0, equals), word.substr(equals + 1));
  }
  return pairs;
}

void set_env(nlohmann::json& config, const std::string& key, const std::string& value) {
  auto& env = config["Env"];
  if (!env.is_array()) env = nlohmann::json::array();
  for (auto& entry : env) {
    if (entry.is_string() && entry.get<std::string>().starts_with(key + "=")) {
      entry = key + "=" + value;
      return;
    }
  }
  env.push_back(key + "=" + value);
}

Status apply(nlohmann::json& config, const std::string& keyword, std::string_view argument) {
  if (keyword == "CMD") {
    config["Cmd"] = command_form(argument);
  } else if (keyword == "ENTRYPOINT") {
    config["Entrypoint"] = command_form(argument);
  } else if (keyword == "ENV") {
    BERTH_ASSIGN(auto pairs, key_values(argument, true));
    for (auto& [key, value] : pairs) set_env(config, key, value);
  } else if (keyword == "LABEL") {
    BERTH_ASSIGN(auto pairs, key_values(argument, false));
    for (auto& [key, value] : pairs) config["Labels"][key] = value;
  } else if (keyword == "EXPOSE") {
    BERTH_ASSIGN(auto ports, split_words(argument));
    if (ports.empty()) return fail("missing port");
    for (auto port : ports) {
      if (port.find('/') == std::string::npos) port += "/tcp";
      auto number = port.substr(0, port.find('/'));
      auto protocol = port.substr(port.find('/') + 1);
      bool numeric = !number.empty() && std::all_of(number.begin(), number.end(), ::isdigit) && number.size() <= 5 &&
                     std::stoi(number) <= 65535;
      if (!numeric || (protocol != "tcp" && protocol != "udp" && protocol != "sctp"))
        return fail("invalid port \"{}\"", port);
      config["ExposedPorts"][port] = nlohmann::json::object();
    }
  } else if (keyword == "VOLUME") {
    nlohmann::json paths = command_form(argument);
    std::vector<std::string> list;
    if (argument.starts_with('[') && paths.is_array() && paths.size() && paths[0] != "/bin/sh") {
      for (auto& p : paths) list.push_back(p.get<std::string>());
    } else {
      BERTH_ASSIGN(list, split_words(argument));
    }
    if (list.empty()) return fail("missing path");
    for (auto& path : list) config["Volumes"][path] = nlohmann::json::object();
  } else if (keyword == "USER" || keyword == "WORKDIR" || keyword == "STOPSIGNAL") {
    auto value = trim(argument);
    if (value.empty()) return fail("missing argument");
    static const std::pair<const char*, const char*> fields[] = {
        {"USER", "User"}, {"WORKDIR", "WorkingDir"}, {"STOPSIGNAL", "StopSignal"}};
    for (auto& [name, field] : fields)
      if (keyword == name) config[field] = std::string(value);
  } else if (keyword == "ONBUILD") {
    if (trim(argument).empty()) return fail("missing instruction");
    config["OnBuild"].push_back(std::string(trim(argument)));
  } else {
    return fail("{} is not a valid change command", keyword);
  }
  return {};
}

}  // namespace

Status apply_config_change(nlohmann::json& config, std::string_view instruction) {
  instruction = trim(instruction);
  auto space = instruction.find_first_of(" \t");
  std::string keyword(instruction.substr(0, space));
  std::transform(keyword.begin(), keyword.end(), keyword.begin(), ::toupper);
  auto argument = space == std::string_view::npos ? std::string_view() : trim(instruction.substr(space));
  if (keyword.empty()) return fail("--change: empty instruction");
  if (argument.empty()) return fail("--change \"{}\": {} requires an argument", instruction, keyword);
  // Applied to a copy: a failing instruction leaves the config as it was.
  nlohmann::json updated = config.is_object() ? config : nlohmann::json::object();
  auto status = apply(updated, keyword, argument);
  if (!status) return fail("--change \"{}\": {}", instruction, status.error().message);
  config = std::move(updated);
  return {};
}

}  // namespace berth
