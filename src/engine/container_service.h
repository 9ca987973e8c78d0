// The engine's container API, daemonless: every berth process acts on the
// store and the run dir itself. What a container is at any moment is the
// database's record folded with what its shim left in the run dir (exit.json)
// and what is alive; refresh() does that fold under the container's lock,
// so a container whose shim died or whose run dir vanished (reboot) shows
// as exited, never as running forever.
#pragma once

#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "base/result.h"
#include "base/unique_fd.h"
#include "engine/container_config.h"
#include "engine/container_paths.h"
#include "engine/container_state.h"
#include "engine/event_log.h"
#include "engine/local_image_service.h"
#include "image/byte_stream.h"
#include "runtime/cgroup.h"
#include "store/file_lock.h"
#include "volume/volume_service.h"

namespace berth {

struct CreateContainerRequest {
  std::string name;        // empty: a generated one
  ContainerConfig config;  // config.image names the image
  HostConfig host;
};

struct CreateContainerResult {
  std::string id;
  std::vector<std::string> warnings;
};

// One container as the engine knows it.
struct ContainerRecord {
  std::string id;
  std::string name;
  Digest image_id;
  std::string image_name;
  int64_t created_unix_nano = 0;
  ContainerConfig config;
  HostConfig host;
  ContainerState state;
};

struct AttachRequest {
  bool stdin = false, stdout = true, stderr = true;
};

class PreparedNetworkNamespace;
class ContainerRowCache;

struct StartOptions {
  // Connect to the shim before the process starts, so no output is missed.
  std::optional<AttachRequest> attach;
  bool policy_restart = false;  // started by the shim's restart policy
  // `run --rm` in the foreground: this process removes the container when
  // it exits, so the shim does only if this process is gone without doing so.
  bool client_removes = false;
  uint64_t restart_delay_ms = 0;
  // A network namespace the caller began making earlier (run starts it before
  // the create), used when the container has one of its own; null: made here.
  PreparedNetworkNamespace* network = nullptr;
};

struct StartResult {
  UniqueFd attach_socket;  // with StartOptions::attach
};

struct RemoveOptions {
  bool force = false;
  bool volumes = false;
  // `run --rm` in the foreground: the container's directory (its upper and
  // work dirs and log) is moved to <root>/trash/<id> for the shim, which
  // waits for this process to end, to delete. Deleting a tree costs disk
  // metadata writes (and discards), which then no longer delay the command.
  bool leave_files_to_shim = false;
};

// docker exec: a further process in a running container.
struct ExecRequest {
  std::vector<std::string> cmd;
  std::vector<std::string> env;  // KEY=value (or a bare KEY, which unsets), after the container's
  std::string user;              // empty: the container's
  std::string working_dir;       // empty: the container's
  bool tty = false;
  bool interactive = false;  // else the process's stdin is /dev/null
  bool detach = false;       // stdio /dev/null; returns once the process runs
  bool privileged = false;   // every capability
  int output_fd = -1;        // ≥ 0: the process's stdout and stderr go there (a healthcheck's capture)
};

struct ExecOutcome {
  int exit_code = 0;        // foreground: the process's status (128 + signal when killed)
  std::string start_error;  // set when the process could not be started (docker: exit 126)
};

struct ContainerChange {
  enum class Kind { modified, added, deleted };  // docker's C, A, D
  Kind kind;
  std::string path;  // absolute, inside the container
};

struct CommitOptions {
  std::string reference;  // REPOSITORY[:TAG]; empty: untagged
  std::string author, comment;
  std::vector<std::string> changes;  // Dockerfile instructions (-c)
  bool pause = true;                 // freeze a running container while its changes are read
};

// docker cp.
struct CopyOptions {
  // -a. As dockerd does (its docs say otherwise), what is copied in keeps the
  // tar's uid/gid, and with -a into a container with a User becomes that
  // user's; what is copied out belongs to the caller, with or without it.
  bool archive = false;
  bool follow_link = false;  // -L: a symlink source is copied as what it points at
};

// docker stats: one reading of a container's counters, and of the host's
// at the same moment (CPU % is the container's share of the host's CPU time
// between two readings).
struct ContainerStatsSample {
  std::string id, name;
  bool running = false;               // else only id and name are set
  runtime::CgroupStats cgroup;        // cpu, memory, pids, block I/O
  uint64_t net_rx_bytes = 0, net_tx_bytes = 0;  // every interface of its network namespace but lo
  uint64_t host_cpu_ns = 0;           // all CPUs' time since boot (/proc/stat)
  unsigned online_cpus = 1;
  uint64_t host_memory_bytes = 0;     // the limit shown when the container has none
};

// docker update: each set field replaces the container's setting; a running
// container's cgroup takes the new limits at once, its shim the new policy.
struct ContainerUpdate {
  std::optional<int64_t> memory, memory_reservation, memory_swap, nano_cpus, cpu_shares, cpu_period, cpu_quota,
      cpu_realtime_period, cpu_realtime_runtime, pids_limit;
  std::optional<uint16_t> blkio_weight;
  std::optional<std::string> cpuset_cpus, cpuset_mems;
  std::optional<RestartPolicy> restart_policy;
};

struct ContainerPruneReport {
  std::vector<std::string> removed;  // ids
  uint64_t reclaimed_bytes = 0;      // what they wrote (file sizes in their writable layers)
  std::vector<std::string> errors;   // containers that could not be removed
};

class ContainerService {
 public:
  ContainerService(EngineOptions options, LocalImageService& images);
  ~ContainerService();
  ContainerService(const ContainerService&) = delete;
  ContainerService& operator=(const ContainerService&) = delete;

  // "No such image: NAME" (errno ENOENT) when the image is not in the store:
  // the caller pulls and tries again, as docker's CLI does.
  Result<CreateContainerResult> create(const CreateContainerRequest& request);
  Result<StartResult> start(std::string_view name, const StartOptions& options = {});
  // The stop signal, then SIGKILL after `timeout_seconds` (default: the
  // container's StopTimeout or 10). Stopping a stopped container is fine.
  Status stop(std::string_view name, std::optional<int> timeout_seconds);
  Status kill(std::string_view name, int signal);
  Status remove(std::string_view name, const RemoveOptions& options);
  // Joins a running container's streams (docker attach); the socket speaks
  // the shim's attach frames.
  Result<UniqueFd> attach(std::string_view name, const AttachRequest& request);
  // Waits until the container is not running; its exit code.
  Result<int> wait(std::string_view name);

  // The process shares our stdout/stderr (and stdin with `interactive`);
  // with a tty, we relay between our terminal and its pty.
  Result<ExecOutcome> exec(std::string_view name, const ExecRequest& request);

  // Freezes / thaws every process of the container (the cgroup freezer).
  Status pause(std::string_view name);
  Status unpause(std::string_view name);
  Status rename(std::string_view name, std::string_view new_name);
  // The container's processes as `ps <ps_args>` shows them: its header and
  // the rows of the container's pids (docker top).
  Result<std::string> top(std::string_view name, const std::vector<std::string>& ps_args);
  // docker diff: what the container changed in its filesystem, by path.
  Result<std::vector<ContainerChange>> changes(std::string_view name);
  // docker export: the container's whole filesystem as a tar stream.
  Status export_filesystem(std::string_view name, ByteSink& sink);
  // docker commit: a new image of the container's image and its changes; its id.
  Result<Digest> commit(std::string_view name, const CommitOptions& options);
  // docker cp, both directions. A path in the container is resolved inside
  // its root and never leaves it, whatever the container does meanwhile
  // (CVE-2018-15664): the tree is read by a child chrooted into the
  // container, and written through openat2(RESOLVE_IN_ROOT)-resolved fds.
  // A relative container path is taken from the container's working dir.
  // Each returns the size of the tar stream that was copied (docker's "Successfully copied").
  Result<uint64_t> copy_from_container(std::string_view name, const std::string& source,
                                       const std::string& host_destination, const CopyOptions& options);
  // `cp CONTAINER:SRC -`: the source as a tar stream, its top entry named as the source.
  Result<uint64_t> archive_from_container(std::string_view name, const std::string& source, ByteSink& sink,
                                          const CopyOptions& options);
  Result<uint64_t> copy_to_container(std::string_view name, const std::string& host_source,
                                     const std::string& destination, const CopyOptions& options);
  // `cp - CONTAINER:DIR`: a tar stream extracted into a directory of the container.
  Result<uint64_t> extract_to_container(std::string_view name, const std::string& directory, ByteSource& tar,
                                        const CopyOptions& options);
  Result<ContainerStatsSample> stats(std::string_view name);
  Status update(std::string_view name, const ContainerUpdate& update);
  // One run of the container's healthcheck (the shim asks for one every
  // interval): its result joins State.Health, kept in the run dir.
  Status health_probe(std::string_view name);
  // Removes every container that is not running (created, exited, dead)
  // and for which `keep` is false.
  Result<ContainerPruneReport> prune(const std::function<bool(const ContainerRecord&)>& keep);
  // SizeRw: the apparent size of the files the container wrote (its upper
  // dir), as dockerd counts it.
  uint64_t writable_size(const ContainerRecord& record) const;

  Result<ContainerRecord> find(std::string_view name);  // folded with the live state
  Result<std::vector<ContainerRecord>> list();          // newest first, folded
  Result<nlohmann::ordered_json> inspect(std::string_view name);

  ContainerPaths paths_of(const std::string& id) const { return ContainerPaths(options_.root, options_.runroot, id); }
  // docker events: what every container, image and volume act appends.
  const EventLog& events() const { return events_; }

 private:
  Result<ContainerRecord> lookup(std::string_view name);
  Result<store::FileLock> lock(const std::string& id);
  // Folds exit.json / a dead shim / a lost run dir into the record (caller
  // holds the lock) and saves it, unless the caller removes the row next.
  // With leave_cgroup_dirs, a folded run's cgroup directories are listed
  // there instead of removed (see release_runtime).
  enum class Persist { yes, no };
  Status refresh(ContainerRecord& record, Persist persist = Persist::yes,
                 std::vector<std::string>* leave_cgroup_dirs = nullptr);
  Status save_state(const ContainerRecord& record);
  void sweep_trash();
  // Waits (at most 2 s) for the shim of the record's previous run to end.
  void await_previous_shim(const ContainerRecord& record);
  // A start killed (berth was) between launching the shim and recording the
  // start leaves a run dir with a live shim, and an init either still
  // waiting for its start or running. Under the container's lock no start
  // is under way, so such a launch is abandoned: a started container is
  // adopted into the record, a waiting one is retired (caller holds the lock).
  Status settle_abandoned_launch(ContainerRecord& record);
  // Runtime state and a shim's config while the record says the container
  // is not running (cheap: one or two stats, no lock).
  bool abandoned_launch_possible(const ContainerRecord& record) const;
  Status launch(ContainerRecord& record, const StartOptions& options, StartResult& result);
  Status send_signal(ContainerRecord& record, int signal);
  // Waits for the init to end and the shim to report it; false on timeout.
  Result<bool> wait_for_exit(ContainerRecord& record, int timeout_ms);
  // With `leave_cgroup_dirs`: see runtime::delete_container.
  Status release_runtime(const ContainerRecord& record, std::vector<std::string>* leave_cgroup_dirs = nullptr);
  // The image's layer directories, topmost first.
  Result<std::vector<std::filesystem::path>> image_layers(const ContainerRecord& record);
  // The container's root for cp: a running one's through its init, a stopped
  // one's as a detached overlay (held under its lock, so it cannot start meanwhile).
  struct CopyRoot;
  Result<CopyRoot> copy_root(std::string_view name, bool writable);
  // Where the runtime mounts over the rootfs (/proc, /etc/hosts, …, volumes and binds).
  Result<std::set<std::string>> runtime_mount_points(const ContainerRecord& record);
  // Opened on first use: most containers have no volumes.
  Result<volume::VolumeService*> volumes();
  // Creates (or finds) the container's volumes and takes references; fills record.state.volumes.
  Status attach_volumes(ContainerRecord& record);
  // Mounts them and copies the image's content into empty, writable ones.
  struct PreparedVolumes {
    std::map<std::string, std::string> paths;  // destination → host path
    std::set<std::string> read_only;           // destinations whose volume says ro (o=ro)
  };
  Result<PreparedVolumes> prepare_volumes(const ContainerRecord& record,
                                          const std::vector<std::filesystem::path>& layers);
  // Drops the container's references; with `remove_anonymous`, removes its anonymous volumes no one else uses.
  Status detach_volumes(const ContainerRecord& record, bool remove_anonymous);

  // Appends a container event with docker's attributes (image, name, the
  // container's labels) and `extra`. Best effort: an event that cannot be
  // written must not undo the act it reports, so a failure is only a warning.
  // `time_nano` 0: now.
  void emit(const ContainerRecord& record, std::string action, std::map<std::string, std::string> extra = {},
            int64_t time_nano = 0);

  EngineOptions options_;
  LocalImageService& images_;
  EventLog events_;
  std::unique_ptr<volume::VolumeService> volumes_;
  std::unique_ptr<ContainerRowCache> rows_;  // lookup's parsed documents
};

}  // namespace berth
