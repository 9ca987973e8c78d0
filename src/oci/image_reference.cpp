#include "oci/image_reference.h"

#include <algorithm>

namespace berth {

namespace {

// Docker's limits (distribution/reference): the whole name, domain included.
constexpr size_t kNameTotalLengthMax = 255;
constexpr size_t kTagLengthMax = 128;
constexpr std::string_view kOfficialPrefix = "library/";
constexpr std::string_view kLegacyDockerHubDomain = "index.docker.io";

bool is_lower_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool is_alnum(char c) { return is_lower_alnum(c) || (c >= 'A' && c <= 'Z'); }
bool is_word(char c) { return is_alnum(c) || c == '_'; }
bool is_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

// path-component := [a-z0-9]+ (separator [a-z0-9]+)*, separator := [_.] | "__" | "-"+
bool valid_path_component(std::string_view component) {
  size_t i = 0;
  auto alnum_run = [&] {
    size_t start = i;
    while (i < component.size() && is_lower_alnum(component[i])) ++i;
    return i > start;
  };
  if (!alnum_run()) return false;
  while (i < component.size()) {
    char c = component[i];
    if (c == '.') {
      ++i;
    } else if (c == '_') {
      ++i;
      if (i < component.size() && component[i] == '_') ++i;
    } else if (c == '-') {
      while (i < component.size() && component[i] == '-') ++i;
    } else {
      return false;
    }
    if (!alnum_run()) return false;
  }
  return true;
}

bool valid_path(std::string_view path) {
  if (path.empty()) return false;
  size_t start = 0;
  for (;;) {
    size_t slash = path.find('/', start);
    if (!valid_path_component(path.substr(start, slash - start))) return false;
    if (slash == std::string_view::npos) return true;
    start = slash + 1;
  }
}

// domain-component := [a-zA-Z0-9] | [a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]
bool valid_domain_component(std::string_view component) {
  if (component.empty() || !is_alnum(component.front()) || !is_alnum(component.back())) return false;
  return std::ranges::all_of(component, [](char c) { return is_alnum(c) || c == '-'; });
}

// domain := (domain-name | "[" ipv6 "]") [":" port]
bool valid_domain(std::string_view domain) {
  std::string_view host = domain;
  std::string_view port;
  if (domain.starts_with('[')) {
    size_t close = domain.find(']');
    if (close == std::string_view::npos || close == 1) return false;
    auto address = domain.substr(1, close - 1);
    if (!std::ranges::all_of(address, [](char c) { return is_hex(c) || c == ':'; })) return false;
    host = domain.substr(0, close + 1);
    auto rest = domain.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return false;
      port = rest.substr(1);
      if (port.empty()) return false;
    }
  } else {
    size_t colon = domain.find(':');
    if (colon != std::string_view::npos) {
      host = domain.substr(0, colon);
      port = domain.substr(colon + 1);
      if (port.empty()) return false;
    }
    size_t start = 0;
    for (;;) {
      size_t dot = host.find('.', start);
      if (!valid_domain_component(host.substr(start, dot - start))) return false;
      if (dot == std::string_view::npos) break;
      start = dot + 1;
    }
  }
  return std::ranges::all_of(port, [](char c) { return c >= '0' && c <= '9'; });
}

// tag := [\w][\w.-]{0,127}
bool valid_tag(std::string_view tag) {
  if (tag.empty() || tag.size() > kTagLengthMax || !is_word(tag.front())) return false;
  return std::ranges::all_of(tag, [](char c) { return is_word(c) || c == '.' || c == '-'; });
}

bool is_hex64(std::string_view text) {
  return text.size() == 64 && std::ranges::all_of(text, [](char c) { return is_hex(c); });
}

bool has_upper(std::string_view text) {
  return std::ranges::any_of(text, [](char c) { return c >= 'A' && c <= 'Z'; });
}

}  // namespace

std::string ImageReference::name() const { return domain + "/" + repository; }

std::string ImageReference::str() const {
  std::string text = name();
  if (!tag.empty()) text += ":" + tag;
  if (digest) text += "@" + digest->str();
  return text;
}

std::string ImageReference::familiar_name() const {
  if (domain != kDockerHubDomain) return name();
  // Official images drop "library/", but only when nothing is nested below it (as Docker does).
  if (repository.starts_with(kOfficialPrefix)) {
    auto rest = std::string_view(repository).substr(kOfficialPrefix.size());
    if (rest.find('/') == std::string_view::npos) return std::string(rest);
  }
  return repository;
}

std::string ImageReference::familiar() const {
  std::string text = familiar_name();
  if (!tag.empty()) text += ":" + tag;
  if (digest) text += "@" + digest->str();
  return text;
}

std::string ImageReference::registry_host() const {
  return domain == kDockerHubDomain ? std::string(kDockerHubRegistryHost) : domain;
}

Result<ImageReference> parse_reference(std::string_view text, bool add_default_tag) {
  if (text.empty()) return fail("invalid reference format: repository name must have at least one component");
  if (is_hex64(text)) {
    return fail("invalid repository name ({}), cannot specify 64-byte hexadecimal strings", text);
  }

  // Docker's splitDockerDomain: the part before the first '/' is a domain only
  // when it looks like one; otherwise the whole text is a Docker Hub path.
  ImageReference reference;
  std::string_view remainder = text;
  size_t slash = text.find('/');
  if (slash != std::string_view::npos) {
    auto first = text.substr(0, slash);
    if (first.find_first_of(".:") != std::string_view::npos || first == "localhost") {
      reference.domain = first;
      remainder = text.substr(slash + 1);
    }
  }
  if (reference.domain.empty() || reference.domain == kLegacyDockerHubDomain) reference.domain = kDockerHubDomain;

  std::string_view digest_text;
  bool has_digest = false;
  if (size_t at = remainder.find('@'); at != std::string_view::npos) {
    digest_text = remainder.substr(at + 1);
    has_digest = true;
    remainder = remainder.substr(0, at);
  }
  std::string_view path = remainder;
  std::string_view tag;
  bool has_tag = false;
  if (size_t colon = remainder.find(':'); colon != std::string_view::npos) {
    path = remainder.substr(0, colon);
    tag = remainder.substr(colon + 1);
    has_tag = true;
  }

  // Checked before the grammar so that "Busybox" gets the helpful message.
  if (has_upper(path)) return fail("invalid reference format: repository name must be lowercase");
  if (!valid_domain(reference.domain) || !valid_path(path)) return fail("invalid reference format");
  if (has_tag && !valid_tag(tag)) return fail("invalid reference format");
  if (reference.domain == kDockerHubDomain && path.find('/') == std::string_view::npos) {
    reference.repository = std::string(kOfficialPrefix);
  }
  reference.repository += path;
  if (reference.name().size() > kNameTotalLengthMax) {
    return fail("invalid reference format: repository name must not be more than {} characters", kNameTotalLengthMax);
  }
  reference.tag = tag;
  if (has_digest) {
    auto digest = Digest::parse(digest_text);
    if (!digest) return fail("invalid reference format: {}", digest.error().message);
    reference.digest = std::move(*digest);
  }
  if (add_default_tag && reference.tag.empty() && !reference.digest) reference.tag = "latest";
  return reference;
}

bool looks_like_image_id(std::string_view text) {
  if (text.starts_with("sha256:")) text.remove_prefix(7);
  return text.size() == 64 &&
         std::ranges::all_of(text, [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

}  // namespace berth
