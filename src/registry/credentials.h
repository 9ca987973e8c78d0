// Registry credentials in Docker's config.json ("auths"), so that `docker
// login` and `berth login` share one file. Credential helpers ("credsStore",
// "credHelpers") are not run.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"

namespace berth {

struct Credentials {
  std::string username, password;
  // An OAuth refresh token ("identitytoken" in config.json): traded at the
  // token endpoint instead of the password when present.
  std::string identity_token;
};

// The config.json key Docker uses for a registry: "https://index.docker.io/v1/"
// for Docker Hub (docker.io, index.docker.io, registry-1.docker.io), else
// "host[:port]" (a scheme and path given with it are dropped).
std::string credentials_key(std::string_view registry);

// `registry` is a domain ("docker.io", "localhost:5000") or a key in any of
// the forms Docker writes ("https://index.docker.io/v1/", "https://host").
// A missing file means no credentials, not an error.
Result<std::optional<Credentials>> load_credentials(const std::filesystem::path& config, std::string_view registry);

// Writes atomically with mode 0600, keeping every other key of the file.
Status store_credentials(const std::filesystem::path& config, std::string_view registry,
                         const Credentials& credentials);

// Error "not logged in to <key>" when there is nothing to erase (docker logout
// prints a notice instead; the engine decides).
Status erase_credentials(const std::filesystem::path& config, std::string_view registry);

}  // namespace berth
