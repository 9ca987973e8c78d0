// A distribution-spec (OCI / Docker Registry HTTP API V2) client: manifests
// and blobs, pull and push, with the auth, TLS and retry behaviour of Docker.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "base/digest.h"
#include "base/result.h"
#include "oci/image_reference.h"
#include "registry/credentials.h"
#include "registry/registry_options.h"

namespace berth {

class RegistrySession;

// Limits on what we buffer from a registry.
inline constexpr size_t kMaxManifestBytes = 4 << 20;

struct Manifest {
  std::string bytes;
  std::string media_type;
  Digest digest;  // sha256 of bytes
};

struct BlobProgress {
  std::function<void(uint64_t done, uint64_t total)> on_bytes;  // total is 0 while unknown
};

class RegistryClient {
 public:
  // One per operation is fine. Thread-safe: several threads may fetch or push
  // blobs at once; they share connections, tokens and what was learnt about
  // each registry (scheme, challenge).
  explicit RegistryClient(RegistryOptions options);
  ~RegistryClient();
  RegistryClient(RegistryClient&&) noexcept;
  RegistryClient& operator=(RegistryClient&&) noexcept;

  // GET /v2/<name>/manifests/<digest if the reference has one, else tag>,
  // accepting OCI index and manifest, Docker manifest list and v2s2. Rejects
  // bodies over 4 MiB, media types we did not ask for, a digest that differs
  // from the reference's or from the Docker-Content-Digest header.
  Result<Manifest> get_manifest(const ImageReference& ref);
  Result<Manifest> get_manifest(const ImageReference& repo, const Digest& digest);

  // Streams a blob to `sink` from byte `offset` (Range: bytes=offset-). After
  // a broken connection it resumes with Range (or skips what a server that
  // ignores Range sends again), so the sink sees each byte once, in order.
  // Follows redirects (at most 8). Does not verify the digest: the caller
  // hashes. A sink error aborts the transfer and is returned unchanged.
  Status fetch_blob(const ImageReference& repo, const Digest& digest, uint64_t offset,
                    const std::function<Status(std::span<const std::byte>)>& sink, const BlobProgress& progress = {});
  // A whole small blob (a config) in memory, digest verified.
  Result<std::string> fetch_small_blob(const ImageReference& repo, const Digest& digest, size_t max_bytes);
  Result<bool> blob_exists(const ImageReference& repo, const Digest& digest);  // HEAD

  struct BlobUpload {
    Digest digest;
    uint64_t size = 0;
    // Reads at an offset; must give the same bytes every time (a failed upload starts over).
    std::function<Result<size_t>(uint64_t offset, std::span<std::byte> buffer)> read_at;
    std::optional<std::string> mount_from_repository;  // "library/busybox": cross-repository mount first
    enum class Mode {
      monolithic,  // POST, then one PUT ?digest= carrying the blob
      // POST, one PATCH of the whole blob without Content-Range, then an
      // empty PUT ?digest=: docker's way, which hosted registries take whatever
      // their limits on ranged chunks (GHCR refuses chunks over 4 MiB, ECR
      // under 5 MiB).
      streamed,
      chunked,  // POST, PATCHes of chunk_size with Content-Range, then an empty PUT
    };
    Mode mode = Mode::monolithic;
    uint64_t chunk_size = 16 << 20;  // chunked only
  };
  // Skips blobs the registry has; else mounts (when asked) or uploads as
  // upload.mode says.
  // The outcome tells progress displays what happened ("Layer already
  // exists", "Mounted from …", "Pushed").
  enum class BlobPushOutcome { already_present, mounted, uploaded };
  Result<BlobPushOutcome> push_blob(const ImageReference& repo, const BlobUpload& upload,
                                    const BlobProgress& progress = {});

  // PUT /v2/<name>/manifests/<tag, else digest>; returns the manifest's digest.
  Result<Digest> put_manifest(const ImageReference& ref, const Manifest& manifest);

  // `berth login`: GET /v2/ with these credentials (through the token dance
  // when the registry asks for Bearer). On 401 the error carries the
  // registry's message. `registry_host` may be a domain ("docker.io",
  // "localhost:5000") or a config key ("https://index.docker.io/v1/").
  Status check_login(std::string_view registry_host, const Credentials& credentials);

 private:
  RegistryOptions options_;
  std::unique_ptr<RegistrySession> session_;
};

}  // namespace berth
