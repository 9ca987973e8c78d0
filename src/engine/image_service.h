// The engine's image API: what the berth CLI (and later the API and CRI
// servers) call to pull, push, list, tag, remove, save, load and import
// images. It owns no formatting: callers render what it returns.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/digest.h"
#include "base/result.h"
#include "oci/image_spec.h"

namespace berth {

struct EngineOptions {
  std::filesystem::path root = "/var/lib/berth";  // --root, BERTH_ROOT
  std::filesystem::path runroot = "/run/berth";   // --runroot, BERTH_RUNROOT
  std::vector<std::string> insecure_registries;   // --insecure-registry, BERTH_INSECURE_REGISTRIES (comma-separated)
  std::filesystem::path docker_config;            // empty: $DOCKER_CONFIG/config.json or ~/.docker/config.json
  std::filesystem::path cert_dir;                 // pull/push/login --cert-dir; empty: the certs.d directories
};
// Defaults overridden by BERTH_ROOT, BERTH_RUNROOT and BERTH_INSECURE_REGISTRIES.
EngineOptions engine_options_from_environment();
std::filesystem::path default_docker_config_path();

// One event of a pull or push, for progress displays. Layer ids are the
// first 12 hex digits of the blob digest, as Docker prints them.
struct TransferEvent {
  enum class Kind {
    resolved,       // message: the manifest digest; id empty
    waiting,        // layer queued ("Pulling fs layer" / "Waiting")
    exists,         // layer already present ("Already exists" / "Layer already exists")
    transferring,   // current/total bytes ("Downloading" / "Pushing")
    extracting,     // current/total compressed bytes consumed ("Extracting")
    verifying,      // "Verifying Checksum"
    done,           // "Pull complete" / "Pushed"
    mounted,        // push: "Mounted from <repo>" (message)
  };
  Kind kind;
  std::string id;
  uint64_t current = 0;
  uint64_t total = 0;
  std::string message;
};
// May be called from several threads; the engine serializes the calls.
using TransferProgress = std::function<void(const TransferEvent&)>;

// What list/inspect show of one image.
struct ImageSummary {
  Digest id;                       // config digest
  std::vector<std::string> tags;   // full references, "docker.io/library/busybox:latest"
  std::vector<std::string> repo_digests;  // "docker.io/library/busybox@sha256:…"
  int64_t created_unix = 0;
  uint64_t size = 0;               // unpacked bytes of all layers
  nlohmann::json config;           // the image config document
  std::vector<Digest> diff_ids;
  std::optional<Digest> parent;
  std::optional<Digest> manifest_digest;
  int containers = 0;              // containers using it (filled by disk_usage only)
  std::optional<uint64_t> shared_size;  // bytes of its layers other images use too (disk_usage only)
};

struct PullOptions {
  std::optional<Platform> platform;  // default: host
  TransferProgress progress;
};
struct PullResult {
  ImageSummary image;
  std::string reference;   // full reference pulled, e.g. "docker.io/library/busybox:latest"
  Digest manifest_digest;
  bool up_to_date = false; // nothing was downloaded: "Image is up to date for …"
};

struct PushOptions {
  TransferProgress progress;
};
struct PushResult {
  std::string reference;
  Digest manifest_digest;
  uint64_t manifest_size = 0;
};

struct RemoveReport {
  std::vector<std::string> untagged;  // references, full form
  std::vector<Digest> deleted;        // image ids, then layer chain ids, as Docker lists them
  uint64_t reclaimed_bytes = 0;
};

struct HistoryEntry {
  std::string image_id;  // full id for the top entry, empty ("<missing>") below
  int64_t created_unix = 0;
  std::string created_by;
  uint64_t size = 0;
  std::string comment;
  bool empty_layer = false;
};

enum class SaveFormat { docker_archive, oci_archive };

struct ImportOptions {
  std::string reference;             // optional tag for the new image
  std::vector<std::string> changes;  // Dockerfile instructions: CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, USER, VOLUME, WORKDIR, STOPSIGNAL
  std::string message;               // history comment
  std::optional<Platform> platform;
  std::string source_name = "-";     // for the history entry ("Imported from -")
};

struct LoadReport {
  std::vector<std::string> loaded;  // "Loaded image: busybox:latest" / "Loaded image ID: sha256:…" lines' payloads
  std::vector<std::string> lines;
};

struct ImageDiskUsage {
  uint64_t images = 0, active_images = 0;
  uint64_t size = 0;         // layers + blobs, as on disk, shared counted once
  uint64_t reclaimable = 0;  // size of images no container uses
  std::vector<ImageSummary> details;
};

class ImageService {
 public:
  virtual ~ImageService() = default;
  static Result<std::unique_ptr<ImageService>> open(const EngineOptions& options);

  virtual Result<PullResult> pull(std::string_view reference, const PullOptions& options) = 0;
  virtual Result<PushResult> push(std::string_view reference, const PushOptions& options) = 0;
  virtual Result<std::vector<ImageSummary>> list() = 0;
  // By full or short id, id prefix, tag (short names normalized) or repo digest.
  // The error is Docker's "No such image: NAME".
  virtual Result<ImageSummary> find(std::string_view name) = 0;
  // Docker's `image inspect` object for one image.
  virtual Result<nlohmann::json> inspect(std::string_view name) = 0;
  virtual Status tag(std::string_view source, std::string_view target) = 0;
  virtual Result<RemoveReport> remove(std::string_view name, bool force) = 0;
  // Dangling images only, or every image no container uses when `all`.
  virtual Result<RemoveReport> prune(bool all) = 0;
  virtual Result<std::vector<HistoryEntry>> history(std::string_view name) = 0;
  // Writes a tar archive to `output_fd`.
  virtual Status save(const std::vector<std::string>& names, SaveFormat format, int output_fd) = 0;
  // Reads a docker-archive or OCI-layout tar (optionally gzip/zstd compressed).
  virtual Result<LoadReport> load(int input_fd) = 0;
  // A rootfs tarball (optionally compressed) becomes a one-layer image.
  virtual Result<Digest> import(int input_fd, const ImportOptions& options) = 0;
  // `containers_per_image`: how many containers use each image (the
  // container engine knows); images in use are not reclaimable.
  virtual Result<ImageDiskUsage> disk_usage(const std::map<Digest, int>& containers_per_image) = 0;

  // Verifies credentials against the registry, then stores them; returns the server key used.
  virtual Result<std::string> login(std::string_view server, std::string_view username,
                                    std::string_view password) = 0;
  virtual Result<std::string> logout(std::string_view server) = 0;
};

}  // namespace berth
