// Small file-system primitives shared by the cgroup v1 and v2 code: knob
// reads and writes whose errors name the full path and value, directory
// creation that records what it made, and recursive removal/listing.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace berth::runtime::cgroupfs {

// "write VALUE to DIR/NAME: strerror" on any failure (open or write).
Status write(const std::string& dir, std::string_view name, std::string_view value);
// The whole file; a failure keeps its errno (ENOENT: the knob does not exist).
Result<std::string> read(const std::string& dir, std::string_view name);
// The file's content without the trailing newline.
Result<std::string> read_trimmed(const std::string& dir, std::string_view name);
// A single number; "max" reads as nullopt.
Result<std::optional<uint64_t>> read_u64(const std::string& dir, std::string_view name);
// "key value" lines (cpu.stat, memory.events, cgroup.events): the value of key, 0 if absent.
uint64_t keyed_value(std::string_view content, std::string_view key);
// Sums a per-device I/O counter over every device: v2's io.stat
// ("8:0 rbytes=N wbytes=N …", field "rbytes=") or v1's
// blkio.throttle.io_service_bytes ("8:0 Read N", field "Read ").
uint64_t sum_device_field(std::string_view content, std::string_view field);

// Creates dir and any missing parents (each level only if missing). Appends the
// directories it made to `created`, outermost first. An existing dir is fine.
Status make_dirs(const std::string& dir, std::vector<std::string>& created);

// Removes dir and its child cgroups (deepest first). ENOENT is success; EBUSY
// is retried briefly (the kernel frees a cgroup shortly after its last task exits).
Status remove_tree(const std::string& dir);

// Every pid in dir/cgroup.procs and in its descendants.
Status collect_procs(const std::string& dir, std::vector<pid_t>& pids);

std::string join(const std::string& dir, std::string_view name);

}  // namespace berth::runtime::cgroupfs
