#include "registry/url.h"

#include <arpa/inet.h>
#include <curl/curl.h>

#include <memory>

namespace berth {

namespace {

struct UrlDeleter {
  void operator()(CURLU* url) const { curl_url_cleanup(url); }
};
using UrlHandle = std::unique_ptr<CURLU, UrlDeleter>;

struct CurlStringDeleter {
  void operator()(char* text) const { curl_free(text); }
};

Result<UrlHandle> parse_handle(std::string_view url) {
  UrlHandle handle(curl_url());
  if (!handle) return fail("parse URL: out of memory");
  std::string text(url);
  if (auto code = curl_url_set(handle.get(), CURLUPART_URL, text.c_str(), 0); code != CURLUE_OK) {
    return fail("invalid URL \"{}\": {}", url, curl_url_strerror(code));
  }
  return handle;
}

std::string get_part(CURLU* handle, CURLUPart part, unsigned flags = 0) {
  char* raw = nullptr;
  if (curl_url_get(handle, part, &raw, flags) != CURLUE_OK) return {};
  std::unique_ptr<char, CurlStringDeleter> owned(raw);
  return raw;
}

}  // namespace

Result<UrlParts> parse_url(std::string_view url) {
  BERTH_ASSIGN(UrlHandle handle, parse_handle(url));
  UrlParts parts;
  parts.scheme = get_part(handle.get(), CURLUPART_SCHEME);
  parts.host = get_part(handle.get(), CURLUPART_HOST);
  if (parts.host.starts_with('[') && parts.host.ends_with(']'))
    parts.host = parts.host.substr(1, parts.host.size() - 2);
  std::string explicit_port = get_part(handle.get(), CURLUPART_PORT);
  std::string port = explicit_port.empty() ? get_part(handle.get(), CURLUPART_PORT, CURLU_DEFAULT_PORT) : explicit_port;
  parts.port = port.empty() ? 0 : std::stoi(port);
  parts.authority = parts.host.find(':') != std::string::npos ? "[" + parts.host + "]" : parts.host;
  if (!explicit_port.empty()) parts.authority += ":" + explicit_port;
  if (parts.scheme != "http" && parts.scheme != "https") return fail("URL \"{}\" is neither http nor https", url);
  return parts;
}

Result<std::string> resolve_url(std::string_view base, std::string_view reference) {
  BERTH_ASSIGN(UrlHandle handle, parse_handle(base));
  std::string text(reference);
  // Setting a relative URL on a handle that holds one resolves it (RFC 3986 section 5).
  if (auto code = curl_url_set(handle.get(), CURLUPART_URL, text.c_str(), 0); code != CURLUE_OK) {
    return fail("invalid Location \"{}\": {}", reference, curl_url_strerror(code));
  }
  return get_part(handle.get(), CURLUPART_URL);
}

Result<std::string> append_query(std::string_view url, std::string_view name, std::string_view value) {
  BERTH_ASSIGN(UrlHandle handle, parse_handle(url));
  std::string pair = std::string(name) + "=" + percent_encode(value);
  if (auto code = curl_url_set(handle.get(), CURLUPART_QUERY, pair.c_str(), CURLU_APPENDQUERY); code != CURLUE_OK) {
    return fail("append query to \"{}\": {}", url, curl_url_strerror(code));
  }
  return get_part(handle.get(), CURLUPART_URL);
}

std::string url_without_query(std::string_view url) { return std::string(url.substr(0, url.find('?'))); }

std::string host_of_authority(std::string_view authority) {
  if (authority.starts_with('[')) {
    auto close = authority.find(']');
    return std::string(authority.substr(1, close == std::string_view::npos ? authority.npos : close - 1));
  }
  // A bare IPv6 address has several colons and no port.
  if (authority.find(':') != authority.rfind(':')) return std::string(authority);
  return std::string(authority.substr(0, authority.find(':')));
}

bool is_loopback_host(std::string_view host_or_authority) {
  std::string host = host_of_authority(host_or_authority);
  if (host == "localhost" || host == "::1") return true;
  in_addr address{};
  if (inet_pton(AF_INET, host.c_str(), &address) == 1) return (ntohl(address.s_addr) >> 24) == 127;
  return false;
}

std::string percent_encode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string encoded;
  for (unsigned char c : text) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
        c == '_' || c == '~') {
      encoded += static_cast<char>(c);
    } else {
      encoded += '%';
      encoded += kHex[c >> 4];
      encoded += kHex[c & 15];
    }
  }
  return encoded;
}

}  // namespace berth
