// WWW-Authenticate challenges (RFC 7235): what a registry's 401 asks for.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace berth {

struct AuthChallenge {
  std::string scheme;                         // lowercased: "bearer", "basic"
  std::map<std::string, std::string> params;  // names lowercased, values unquoted: realm, service, scope, error

  std::string param(const std::string& name) const {
    auto it = params.find(name);
    return it == params.end() ? std::string() : it->second;
  }
};

// One header value may hold several challenges ("Bearer realm=\"a\",
// service=\"b\", Basic realm=\"c\""). Quoted strings may contain commas and
// backslash escapes. Unparseable tails are dropped rather than failing: the
// caller only needs a challenge it understands.
std::vector<AuthChallenge> parse_www_authenticate(std::string_view header);

// The first Bearer challenge, else the first Basic one, across all header values.
std::optional<AuthChallenge> choose_challenge(const std::vector<std::string>& header_values);

}  // namespace berth
