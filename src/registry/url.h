// URL handling for registry requests, on libcurl's URL parser so that what we
// check is what curl will connect to.
#pragma once

#include <string>
#include <string_view>

#include "base/result.h"

namespace berth {

struct UrlParts {
  std::string scheme;     // "https", lowercase
  std::string host;       // "registry-1.docker.io", "127.0.0.1", "::1" (no brackets)
  int port = 0;           // explicit or the scheme's default
  std::string authority;  // "host:port" as it appeared ("[::1]:5000"; no port when none was given)
};

Result<UrlParts> parse_url(std::string_view url);

// A Location header resolved against the URL it came from (relative or absolute).
Result<std::string> resolve_url(std::string_view base, std::string_view reference);

// Appends "name=value" (value percent-encoded) to the query string.
Result<std::string> append_query(std::string_view url, std::string_view name, std::string_view value);

// The URL without its query, for error messages: upload URLs carry long opaque state.
std::string url_without_query(std::string_view url);

// "localhost", 127.0.0.0/8 and ::1, with or without a port or brackets.
bool is_loopback_host(std::string_view host_or_authority);

// "host[:port]" split; IPv6 brackets removed from the host.
std::string host_of_authority(std::string_view authority);

// Percent-encoding of a query value (RFC 3986 unreserved characters kept).
std::string percent_encode(std::string_view text);

}  // namespace berth
