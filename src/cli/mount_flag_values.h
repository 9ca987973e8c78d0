// The storage flags of `berth run/create`, checked as docker checks them:
// the CLI's own parsing (volumespec for -v, opts.MountOpt for --mount,
// validateLinuxPath for --device) and then the daemon's (the Linux mount
// parser: modes, absolute paths, volume names), since berth is both.
// Every error is one line in docker's words.
#pragma once

#include <string>
#include <string_view>
#include <utility>

#include "base/result.h"
#include "engine/container_config.h"

namespace berth::cli {

// One -v/--volume value: either a bind or named volume (kept, as docker
// keeps it, as a string for HostConfig.Binds, with a "./" or "../" host path
// made absolute against `cwd`, unless cwd is unknown ("")) or an anonymous volume (a destination for
// Config.Volumes).
struct VolumeFlag {
  bool anonymous = false;
  std::string bind;         // "SRC:DST[:MODE]" when !anonymous
  std::string destination;  // the container path
};
// Errors: "invalid spec: a::b: empty section between colons",
// "invalid mode: xyz", "invalid volume specification: '/a:rw'",
// `create foo/bar: "foo/bar" includes invalid characters for a local volume name, …`.
Result<VolumeFlag> parse_volume_flag(std::string_view value, const std::string& cwd);

// The client half of --mount (opts.MountOpt.Set): csv fields to a MountSpec.
// Errors are what docker appends to `invalid argument "…" for "--mount"
// flag: `, e.g. "invalid field 'foo' must be a key=value pair", "target is required".
Result<MountSpec> parse_mount_flag(std::string_view value, const std::string& cwd);
// The daemon half: paths absolute, source rules per type, propagation, e.g.
// `invalid mount config for type "bind": field Source must not be empty`.
Status validate_mount(const MountSpec& mount);

// --tmpfs /path[:options] → (destination, options), destination absolute and
// not "/", options from the tmpfs/mount option set.
Result<std::pair<std::string, std::string>> parse_tmpfs_flag(std::string_view value);

// --device /dev/host[:/dev/container][:rwm]; errors "bad mode specified: x",
// "y is not an absolute path", "bad format for path: …".
Result<DeviceMapping> parse_device_flag(std::string_view value);

// docker's local volume name rule, [a-zA-Z0-9][a-zA-Z0-9_.-]+; the error is
// the daemon's, with its hint about host directories.
Status validate_volume_name(std::string_view name);

}  // namespace berth::cli
