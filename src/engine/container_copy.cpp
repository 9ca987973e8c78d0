// ContainerService: docker cp, both directions.
//
// Reading a tree inside a container is done by a child process chrooted
// into the container's root: a symlink the container swaps in while the
// tree is walked then resolves inside the container, as under dockerd's
// chrooted archiver, never on the host. Writing goes through the layer
// extractor, whose every lookup is openat2(RESOLVE_IN_ROOT) below the
// destination directory's fd. Either way the data flows through a pipe from
// the child that writes the tar stream to the process that extracts it.
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <cstring>

#include "base/close_fds.h"
#include "base/file_io.h"
#include "base/path_in_root.h"
#include "engine/container_service.h"
#include "engine/copy_plan.h"
#include "engine/image_view.h"
#include "engine/spec_user.h"
#include "image/archive_loader.h"
#include "image/layer_extract.h"
#include "image/tree_archive.h"
#include "runtime/container_ops.h"

namespace berth {

struct ContainerService::CopyRoot {
  // Declared first, so released last: after the overlay on upper/ is gone.
  std::optional<store::FileLock> held;  // a stopped container stays stopped meanwhile
  std::string id;
  ImageView view;  // a stopped container's detached overlay
  UniqueFd dir;    // the root directory of the container's tree
  bool read_only = false;  // --read-only
  std::string user;        // Config.User, for -a
};

namespace {

// "/a/b/." → {"/a", "b"}; "/" → {"/", "."}; "b" → {".", "b"}.
std::pair<std::string, std::string> split_parent(std::string path) {
  for (;;) {
    if (path.size() > 1 && path.ends_with('/')) {
      path.pop_back();
    } else if (path.size() > 2 && path.ends_with("/.")) {
      path.resize(path.size() - 2);
    } else {
      break;
    }
  }
  if (path == "/" || path == "." || path.empty()) return {path.empty() ? "." : path, "."};
  auto slash = path.rfind('/');
  if (slash == std::string::npos) return {".", path};
  return {slash == 0 ? "/" : path.substr(0, slash), path.substr(slash + 1)};
}

// A child process writing one tree as a tar stream into a pipe. Dropped
// before it finished, it is killed and reaped.
class ArchiveWriter {
 public:
  ArchiveWriter() = default;
  ArchiveWriter(ArchiveWriter&& other) noexcept
      : pid_(std::exchange(other.pid_, -1)), output_(std::move(other.output_)), errors_(std::move(other.errors_)) {}
  ArchiveWriter& operator=(ArchiveWriter&&) = delete;
  ~ArchiveWriter() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
  }

  // `chroot_fd` >= 0: the child first makes that directory its root, and
  // `path` is resolved inside it.
  // `is_dir`: what the caller found at `path`; the child refuses anything else
  // (the container may have swapped it since).
  static Result<ArchiveWriter> start(int chroot_fd, const std::string& path, bool is_dir,
                                     const TreeArchiveOptions& options) {
    BERTH_TRY(load_libarchive());  // here: the child cannot find it once chrooted
    int data[2], errors[2];
    if (::pipe2(data, O_CLOEXEC) != 0) return fail_errno(errno, "pipe");
    UniqueFd data_read(data[0]), data_write(data[1]);
    if (::pipe2(errors, O_CLOEXEC) != 0) return fail_errno(errno, "pipe");
    UniqueFd errors_read(errors[0]), errors_write(errors[1]);
    pid_t pid = ::fork();
    if (pid < 0) return fail_errno(errno, "fork the archive writer");
    if (pid == 0) {
      // The parent may die without reading on: nothing is left running.
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);
      data_read.reset();
      errors_read.reset();
      auto report = [&](const std::string& message) {
        [[maybe_unused]] auto ignored = ::write(errors_write.get(), message.data(), message.size());
        ::_exit(1);
      };
      if (chroot_fd >= 0 && (::fchdir(chroot_fd) != 0 || ::chroot(".") != 0 || ::chdir("/") != 0))
        report(fmt::format("enter the container's root: {}", std::strerror(errno)));
      // Only the two pipes stay open: no fd of ours (a host directory, the
      // store, a lock) may lead out of the root the child now lives in.
      close_fds_except({data_write.get(), errors_write.get()});
      // The tree is archived by its own name from its parent, so entry
      // names below it are relative to it whatever the path looked like.
      auto [parent, base] = split_parent(path);
      if (::chdir(parent.c_str()) != 0) report(fmt::format("{}: {}", parent, std::strerror(errno)));
      struct stat found {};
      int looked = options.follow_root_link ? ::stat(base.c_str(), &found) : ::lstat(base.c_str(), &found);
      if (looked != 0 || S_ISDIR(found.st_mode) != is_dir) report(fmt::format("{} changed while it was being copied", path));
      FdSink sink(data_write.get());
      auto written = write_tree_archive(base, sink, options);
      if (!written) report(written.error().message);
      ::_exit(0);
    }
    ArchiveWriter writer;
    writer.pid_ = pid;
    writer.output_ = std::move(data_read);
    writer.errors_ = std::move(errors_read);
    return writer;
  }

  int output() const { return output_.get(); }
  // After finish(): the writer failed only because its reader stopped reading.
  bool reader_went_away() const { return reader_went_away_; }

  // Waits for the child; its own error when it failed.
  Status finish() {
    output_.reset();
    std::string message;
    char buffer[4096];
    for (;;) {
      ssize_t got = ::read(errors_.get(), buffer, sizeof buffer);
      if (got < 0 && errno == EINTR) continue;
      if (got <= 0) break;
      message.append(buffer, static_cast<size_t>(got));
    }
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    pid_ = -1;
    reader_went_away_ = (WIFSIGNALED(status) && WTERMSIG(status) == SIGPIPE) ||
                        message.find(std::strerror(EPIPE)) != std::string::npos;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return {};
    if (!message.empty()) return fail("{}", message);
    return fail("the archive writer ended with status {}", WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
  }

 private:
  pid_t pid_ = -1;
  UniqueFd output_, errors_;
  bool reader_went_away_ = false;
};

// What is at `path` in the container: nullopt when nothing is.
Result<std::optional<struct stat>> stat_in_root(int root_fd, const std::string& path, bool follow) {
  auto opened = open_in_root(root_fd, path, O_PATH | (follow ? 0 : O_NOFOLLOW));
  if (!opened) {
    if (opened.error().errno_value == ENOENT || opened.error().errno_value == ENOTDIR) return std::nullopt;
    return std::unexpected(std::move(opened.error()));
  }
  struct stat info;
  if (::fstat(opened->get(), &info) != 0) return fail_errno(errno, "stat {}", path);
  return info;
}

Result<std::optional<struct stat>> stat_on_host(const std::string& path, bool follow) {
  struct stat info;
  if ((follow ? ::stat(path.c_str(), &info) : ::lstat(path.c_str(), &info)) == 0) return info;
  if (errno == ENOENT || errno == ENOTDIR) return std::nullopt;
  return fail_errno(errno, "stat {}", path);
}

PathKind kind_of(const std::optional<struct stat>& info) {
  if (!info) return PathKind::missing;
  return S_ISDIR(info->st_mode) ? PathKind::directory : PathKind::other;
}

// The name the tar stream gives the source: `top_name` for a file, `top_name/…` for a directory.
TreeArchiveOptions naming(const std::string& top_name, bool is_dir, bool follow_link) {
  TreeArchiveOptions options;
  options.name_prefix = top_name.empty() ? "" : (is_dir ? top_name + "/" : top_name);
  options.follow_root_link = follow_link;
  return options;
}

// As dockerd (not as its docs): what is copied in keeps the uid/gid of the
// tar headers, or with -a takes the container's User's; what is copied out
// belongs to the caller.
ExtractOptions extract_options(bool into_container, std::optional<std::pair<uid_t, gid_t>> owner = {}) {
  ExtractOptions extract;
  extract.preserve_ownership = into_container;
  extract.owner = owner;
  extract.apply_whiteouts = false;
  extract.replace_directories = false;
  return extract;
}

// Extracts the writer's stream into `directory_fd`, then hears how the writer ended.
Result<uint64_t> extract_from(ArchiveWriter& writer, int directory_fd, const ExtractOptions& extract) {
  FdSource source(writer.output());
  auto extracted = extract_layer(source, directory_fd, extract);
  // Whichever side failed first explains the other's failure: a writer
  // that could not read the tree cut the stream short; an extractor that
  // refused an entry left the writer with no one to write to.
  auto finished = writer.finish();
  if (!finished && !(writer.reader_went_away() && !extracted)) return std::unexpected(std::move(finished.error()));
  if (!extracted) return std::unexpected(std::move(extracted.error()));
  return extracted->tar_size;
}

// dockerd's cp -a into a container with a User: everything copied belongs
// to that user and its primary group, looked up in the container's own
// /etc/passwd and /etc/group. Without -a or a User: the headers' ids.
Result<std::optional<std::pair<uid_t, gid_t>>> archive_owner(int root_fd, const std::string& user,
                                                             const CopyOptions& options) {
  if (!options.archive || user.empty()) return std::nullopt;
  auto read_in_root = [&](const char* path) -> std::optional<std::string> {
    auto fd = open_in_root(root_fd, path, O_RDONLY);
    if (!fd) return std::nullopt;
    auto text = read_file(fmt::format("/proc/self/fd/{}", fd->get()));
    return text ? std::optional<std::string>(std::move(*text)) : std::nullopt;
  };
  auto resolved = resolve_user(user, {}, read_in_root("/etc/passwd"), read_in_root("/etc/group"));
  if (!resolved) return with_context(std::move(resolved), "cp -a: the container's user");
  return std::pair<uid_t, gid_t>{resolved->uid, resolved->gid};
}

std::string no_such_path(const std::string& container, const std::string& path) {
  return fmt::format("Could not find the file {} in container {}", path, container);
}

}  // namespace

Result<ContainerService::CopyRoot> ContainerService::copy_root(std::string_view name, bool writable) {
  BERTH_ASSIGN(ContainerRecord found, lookup(name));
  CopyRoot root;
  root.id = found.id;
  BERTH_ASSIGN(root.held, lock(found.id));
  BERTH_ASSIGN(ContainerRecord record, lookup(found.id));
  BERTH_TRY(refresh(record));
  root.read_only = record.host.readonly_rootfs;
  root.user = record.config.user;
  if (record.state.running() && record.state.pid > 0) {
    // The init's root: the container's mounts (volumes, binds) included.
    // Opened through /proc/PID, then checked to still be the init the
    // runtime started: a pid reused by another process must never lend us its root.
    runtime::StateStore store(paths_of(record.id).runtime_root.string());
    BERTH_ASSIGN(runtime::Container container, runtime::load_container(store, record.id));
    UniqueFd process(::open(fmt::format("/proc/{}", container.state.pid).c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (process) root.dir.reset(::openat(process.get(), "root", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!root.dir || runtime::process_start_time(container.state.pid) != container.state.pid_start_time)
      return fail("container {} is not running", record.id.substr(0, 12));
    root.held.reset();  // the fd keeps the tree; the container may stop meanwhile
    return root;
  }
  BERTH_ASSIGN(std::vector<std::filesystem::path> layers, image_layers(record));
  ContainerPaths paths = paths_of(record.id);
  if (writable) {
    BERTH_ASSIGN(root.view, open_writable_view(layers, WritableLayer{paths.upper(), paths.work()}));
  } else {
    layers.insert(layers.begin(), paths.upper());
    BERTH_ASSIGN(root.view, open_image_view(layers));
  }
  root.dir.reset(::open(root.view.path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!root.dir) return fail_errno(errno, "open the tree of container {}", record.id.substr(0, 12));
  return root;
}

namespace {

// A source symlink is followed with -L, and when the path says it means a
// directory ("link/" or "link/."), as a shell would.
bool follows_source(const std::string& path, const CopyOptions& options) {
  return options.follow_link || path.ends_with('/') || path.ends_with("/.");
}

// A path as docker cp takes it: relative ones from the container's root
// (not its working dir), ".." resolved lexically, and a trailing "/." or
// "/" kept, since they mean "the contents" and "a directory".
std::string normalize_copy_path(const std::string& path, bool in_container) {
  bool contents = path == "." || path.ends_with("/.");
  bool directory = !contents && path.size() > 1 && path.ends_with('/');
  std::filesystem::path base = in_container && !path.starts_with('/') ? "/" + path : path;
  // lexically_normal drops "." components, leaving at most a trailing "/".
  std::string normal = base.lexically_normal().string();
  while (normal.size() > 1 && normal.ends_with('/')) normal.pop_back();
  if (normal.empty() || normal == ".") normal.assign(1, in_container ? '/' : '.');
  if (contents) normal.append(normal == "/" ? "." : "/.");
  if (directory && normal != "/") normal.push_back('/');
  return normal;
}

// What a `CONTAINER:SRC` names, looked up inside the container's root.
struct ContainerSource {
  std::string path;  // normalized
  bool follow = false;
  bool is_dir = false;
};

Result<ContainerSource> find_container_source(int root_fd, std::string_view container, const std::string& source,
                                              const CopyOptions& options) {
  ContainerSource found;
  found.path = normalize_copy_path(source, true);
  found.follow = follows_source(found.path, options);
  BERTH_ASSIGN(auto info, stat_in_root(root_fd, found.path, found.follow));
  if (!info) return std::unexpected(Error{no_such_path(std::string(container), source), ENOENT});
  found.is_dir = S_ISDIR(info->st_mode);
  return found;
}

}  // namespace

Result<uint64_t> ContainerService::copy_from_container(std::string_view name, const std::string& source,
                                                       const std::string& host_destination,
                                                       const CopyOptions& options) {
  BERTH_ASSIGN(CopyRoot root, copy_root(name, false));
  BERTH_ASSIGN(ContainerSource found, find_container_source(root.dir.get(), name, source, options));
  const auto& [source_path, follow, source_is_dir] = found;
  std::string destination = normalize_copy_path(host_destination, false);
  BERTH_ASSIGN(auto destination_info, stat_on_host(destination, true));
  BERTH_ASSIGN(CopyPlan plan, plan_copy(source_path, source_is_dir, destination, kind_of(destination_info)));
  UniqueFd directory(::open(plan.directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!directory) {
    if (errno == ENOENT || errno == ENOTDIR)
      return fail("invalid output path: directory \"{}\" does not exist", plan.directory);
    return fail_errno(errno, "destination directory {}", plan.directory);
  }
  BERTH_ASSIGN(ArchiveWriter writer, ArchiveWriter::start(root.dir.get(), clean_path(source_path), source_is_dir,
                                                          naming(plan.top_name, source_is_dir, follow)));
  return extract_from(writer, directory.get(), extract_options(false));
}

Result<uint64_t> ContainerService::archive_from_container(std::string_view name, const std::string& source,
                                                          ByteSink& sink, const CopyOptions& options) {
  BERTH_ASSIGN(CopyRoot root, copy_root(name, false));
  BERTH_ASSIGN(ContainerSource found, find_container_source(root.dir.get(), name, source, options));
  const auto& [source_path, follow, source_is_dir] = found;
  std::string top_name = clean_path(source_path) == "/" ? "" : last_component(clean_path(source_path));
  BERTH_ASSIGN(ArchiveWriter writer, ArchiveWriter::start(root.dir.get(), clean_path(source_path), source_is_dir,
                                                          naming(top_name, source_is_dir, follow)));
  std::vector<std::byte> buffer(64 * 1024);
  FdSource output(writer.output());
  uint64_t copied = 0;
  for (;;) {
    BERTH_ASSIGN(size_t got, output.read(buffer));
    if (got == 0) break;
    BERTH_TRY(sink.write(std::span(buffer).first(got)));
    copied += got;
  }
  BERTH_TRY(writer.finish());
  return copied;
}

Result<uint64_t> ContainerService::copy_to_container(std::string_view name, const std::string& host_source,
                                                     const std::string& destination, const CopyOptions& options) {
  std::string source_path = normalize_copy_path(host_source, false);
  bool follow = follows_source(source_path, options);
  BERTH_ASSIGN(auto source_info, stat_on_host(source_path, follow));
  if (!source_info) return std::unexpected(Error{fmt::format("lstat {}: no such file or directory", host_source), ENOENT});
  bool source_is_dir = S_ISDIR(source_info->st_mode);
  BERTH_ASSIGN(CopyRoot root, copy_root(name, true));
  if (root.read_only) return fail("container rootfs is marked read-only");
  std::string destination_path = normalize_copy_path(destination, true);
  BERTH_ASSIGN(auto destination_info, stat_in_root(root.dir.get(), destination_path, true));
  BERTH_ASSIGN(CopyPlan plan, plan_copy(source_path, source_is_dir, destination_path, kind_of(destination_info)));
  auto directory = open_in_root(root.dir.get(), plan.directory, O_RDONLY | O_DIRECTORY);
  if (!directory) {
    if (directory.error().errno_value == ENOENT) return std::unexpected(Error{no_such_path(std::string(name), plan.directory), ENOENT});
    return std::unexpected(std::move(directory.error()));
  }
  // The host's source is the user's own: no chroot, only the tree below it is never followed.
  BERTH_ASSIGN(ArchiveWriter writer, ArchiveWriter::start(-1, source_path, source_is_dir,
                                                          naming(plan.top_name, source_is_dir, follow)));
  BERTH_ASSIGN(auto owner, archive_owner(root.dir.get(), root.user, options));
  return extract_from(writer, directory->get(), extract_options(true, owner));
}

Result<uint64_t> ContainerService::extract_to_container(std::string_view name, const std::string& directory,
                                                        ByteSource& tar, const CopyOptions& options) {
  BERTH_ASSIGN(CopyRoot root, copy_root(name, true));
  if (root.read_only) return fail("container rootfs is marked read-only");
  std::string directory_path = normalize_copy_path(directory, true);
  BERTH_ASSIGN(auto info, stat_in_root(root.dir.get(), directory_path, true));
  if (!info || !S_ISDIR(info->st_mode))
    return fail("destination \"{}:{}\" must be a directory", name, directory);
  BERTH_ASSIGN(UniqueFd target, open_in_root(root.dir.get(), directory_path, O_RDONLY | O_DIRECTORY));
  BERTH_ASSIGN(auto owner, archive_owner(root.dir.get(), root.user, options));
  BERTH_ASSIGN(ExtractResult extracted, extract_layer(tar, target.get(), extract_options(true, owner)));
  return extracted.tar_size;
}

}  // namespace berth
