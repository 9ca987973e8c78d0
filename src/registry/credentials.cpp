#include "registry/credentials.h"

#include <sys/stat.h>

#include <nlohmann/json.hpp>
#include <system_error>

#include "base/file_io.h"
#include "registry/base64.h"

namespace berth {

namespace {

// ordered_json: a rewrite keeps the user's key order, so diffs of the file stay small.
using Json = nlohmann::ordered_json;

constexpr std::string_view kDockerHubKey = "https://index.docker.io/v1/";

// "https://host:5000/v1/" → "host:5000"; Docker's ConvertToHostname.
std::string strip_scheme_and_path(std::string_view key) {
  if (auto scheme = key.find("://"); scheme != std::string_view::npos) key.remove_prefix(scheme + 3);
  return std::string(key.substr(0, key.find('/')));
}

Result<Json> read_config(const std::filesystem::path& config) {
  std::error_code error;
  if (!std::filesystem::exists(config, error)) return Json::object();
  BERTH_ASSIGN(std::string text, read_file(config.string()));
  if (text.find_first_not_of(" \t\r\n") == std::string::npos) return Json::object();
  Json json = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) return fail("{}: not valid JSON", config.string());
  if (!json.is_object()) return fail("{}: not a JSON object", config.string());
  if (json.contains("auths") && !json["auths"].is_object())
    return fail("{}: \"auths\" is not an object", config.string());
  return json;
}

// The keys of "auths" that name the same registry as `key` ("host", "https://host", "http://host/v2/").
std::vector<std::string> matching_keys(const Json& auths, const std::string& key) {
  std::vector<std::string> keys;
  for (const auto& [name, value] : auths.items()) {
    if (name == key || credentials_key(name) == key) keys.push_back(name);
  }
  return keys;
}

Status write_config(const std::filesystem::path& config, const Json& json) {
  if (config.has_parent_path()) BERTH_TRY(make_directories(config.parent_path().string(), 0700));
  // Tab indentation, as docker writes it.
  BERTH_TRY(write_file_atomic(config.string(), json.dump(1, '\t') + "\n", 0600));
  // The umask may have taken bits from 0600 (0400 under umask 0177): the file must stay writable to us.
  if (::chmod(config.c_str(), 0600) != 0) return fail_errno(errno, "chmod {}", config.string());
  return {};
}

}  // namespace

std::string credentials_key(std::string_view registry) {
  std::string host = strip_scheme_and_path(registry);
  if (host == "docker.io" || host == "index.docker.io" || host == "registry-1.docker.io") {
    return std::string(kDockerHubKey);
  }
  return host;
}

Result<std::optional<Credentials>> load_credentials(const std::filesystem::path& config, std::string_view registry) {
  BERTH_ASSIGN(Json json, read_config(config));
  if (!json.contains("auths")) return std::nullopt;
  const Json& auths = json["auths"];
  std::string key = credentials_key(registry);
  auto keys = matching_keys(auths, key);
  if (keys.empty()) return std::nullopt;
  // An exact key wins over other spellings of the same host.
  std::string chosen = auths.contains(key) ? key : keys.front();
  const Json& entry = auths[chosen];
  if (!entry.is_object()) return fail("{}: auths[\"{}\"] is not an object", config.string(), chosen);

  auto string_field = [&](const char* name) -> std::string {
    auto it = entry.find(name);
    return it != entry.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  Credentials credentials;
  credentials.identity_token = string_field("identitytoken");
  if (std::string auth = string_field("auth"); !auth.empty()) {
    auto decoded = base64_decode(auth);
    if (!decoded) return fail("{}: auths[\"{}\"].auth is not valid base64", config.string(), chosen);
    auto colon = decoded->find(':');
    if (colon == std::string::npos)
      return fail("{}: auths[\"{}\"].auth is not \"user:password\"", config.string(), chosen);
    credentials.username = decoded->substr(0, colon);
    credentials.password = decoded->substr(colon + 1);
  } else {
    credentials.username = string_field("username");
    credentials.password = string_field("password");
  }
  if (credentials.username.empty() && credentials.password.empty() && credentials.identity_token.empty()) {
    return std::nullopt;  // an entry docker left for a credential helper
  }
  return credentials;
}

Status store_credentials(const std::filesystem::path& config, std::string_view registry,
                         const Credentials& credentials) {
  BERTH_ASSIGN(Json json, read_config(config));
  if (!json.contains("auths")) json["auths"] = Json::object();
  Json& auths = json["auths"];
  std::string key = credentials_key(registry);
  // Other spellings of the same host would shadow or contradict the new entry.
  for (const auto& name : matching_keys(auths, key)) {
    if (name != key) auths.erase(name);
  }
  Json entry = Json::object();
  entry["auth"] = base64_encode(credentials.username + ":" + credentials.password);
  if (!credentials.identity_token.empty()) entry["identitytoken"] = credentials.identity_token;
  auths[key] = std::move(entry);
  return write_config(config, json);
}

Status erase_credentials(const std::filesystem::path& config, std::string_view registry) {
  BERTH_ASSIGN(Json json, read_config(config));
  std::string key = credentials_key(registry);
  std::vector<std::string> keys;
  if (json.contains("auths")) keys = matching_keys(json["auths"], key);
  if (keys.empty()) return fail("not logged in to {}", key);
  for (const auto& name : keys) json["auths"].erase(name);
  return write_config(config, json);
}

}  // namespace berth
