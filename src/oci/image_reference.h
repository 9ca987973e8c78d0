// Image references ("busybox", "quay.io/foo/bar:1.2@sha256:…") in Docker's
// grammar (github.com/distribution/reference) and Docker's normalization, so a
// name typed for docker means the same image to berth.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "base/digest.h"
#include "base/result.h"

namespace berth {

struct ImageReference {
  std::string domain;      // "docker.io", "localhost:5000", "127.0.0.1:5000", "quay.io"
  std::string repository;  // path without domain: "library/busybox", "foo/bar"
  std::string tag;         // empty when only a digest was given
  std::optional<Digest> digest;

  std::string name() const;           // "docker.io/library/busybox"
  std::string str() const;            // "docker.io/library/busybox:latest", "…@sha256:…", "…:tag@sha256:…"
  std::string familiar() const;       // "busybox:latest", "foo/bar:1", "localhost:5000/x:y"
  std::string familiar_name() const;  // "busybox", "localhost:5000/x"
  std::string registry_host() const;  // "registry-1.docker.io" for docker.io, else domain

  bool operator==(const ImageReference&) const = default;
};

// Docker Hub's names: references without a domain belong to it, and its
// official images live under "library/".
inline constexpr std::string_view kDockerHubDomain = "docker.io";
inline constexpr std::string_view kDockerHubRegistryHost = "registry-1.docker.io";

// Normalizes as Docker does: "busybox" → docker.io/library/busybox:latest,
// "foo/bar" → docker.io/foo/bar:latest; the first path component is a domain
// iff it contains '.' or ':' or is "localhost". ":latest" is added when neither
// tag nor digest is given and add_default_tag is set. Errors start with
// "invalid reference format", like Docker's.
Result<ImageReference> parse_reference(std::string_view text, bool add_default_tag = true);

// "sha256:<64 hex>" or bare 64 hex: an image ID, which Docker refuses as a
// repository name (so the engine looks it up locally instead).
bool looks_like_image_id(std::string_view text);

}  // namespace berth
