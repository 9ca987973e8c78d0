#include "cli/mount_flag_values.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <set>

#include "cli/flag_values.h"

namespace berth::cli {

namespace {

bool is_ascii_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_ascii_alnum(char c) { return is_ascii_letter(c) || (c >= '0' && c <= '9'); }

std::string lowercase(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  for (size_t start = 0;;) {
    const size_t end = text.find(separator, start);
    parts.push_back(text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
    if (end == std::string_view::npos) return parts;
    start = end + 1;
  }
}

const std::set<std::string_view>& propagation_modes() {
  static const std::set<std::string_view> modes = {"private", "rprivate", "shared", "rshared", "slave", "rslave"};
  return modes;
}

// The daemon's linuxValidMountMode: comma-separated, at most one of each kind.
bool valid_mount_mode(std::string_view mode) {
  if (mode.empty()) return true;
  int read_write = 0, label = 0, propagation = 0, copy = 0, consistency = 0;
  for (std::string_view option : split(mode, ',')) {
    if (option == "rw" || option == "ro")
      ++read_write;
    else if (option == "z" || option == "Z")
      ++label;
    else if (propagation_modes().contains(option))
      ++propagation;
    else if (option == "nocopy")
      ++copy;
    else if (option == "consistent" || option == "cached" || option == "delegated" || option == "default")
      ++consistency;
    else
      return false;
  }
  return read_write <= 1 && label <= 1 && propagation <= 1 && copy <= 1 && consistency <= 1;
}

bool mode_has(std::string_view mode, auto predicate) {
  for (std::string_view option : split(mode, ','))
    if (predicate(option)) return true;
  return false;
}

// The daemon's target checks: not "/", absolute.
Status validate_destination(std::string_view target) {
  if (target.empty()) return fail("field Target must not be empty");
  if (clean_path(target) == "/") return fail("invalid specification: destination can't be '/'");
  if (!target.starts_with('/')) return fail("invalid mount path: '{}' mount path must be absolute", target);
  return {};
}

std::unexpected<Error> mount_config_error(std::string_view type, const Error& why) {
  return fail("invalid mount config for type \"{}\": {}", type, why.message);
}

// filepath.Abs for a relative host path: joined to cwd, then cleaned.
std::string absolute_path(std::string_view path, const std::string& cwd) {
  return path.starts_with('/') ? clean_path(path) : clean_path(cwd + "/" + std::string(path));
}

// volumespec.Parse, the CLI's first look at a -v value: fields between colons
// (a one-letter first field followed by ':' is a Windows drive, as docker reads it).
struct VolumeSpecFields {
  std::string source, target;
};
Result<VolumeSpecFields> split_volume_spec(std::string_view spec) {
  if (spec.empty()) return fail("invalid empty volume spec");
  if (spec.size() <= 2) return VolumeSpecFields{"", std::string(spec)};
  VolumeSpecFields fields;
  std::string buffer;
  bool have_source = false, have_target = false;
  for (size_t at = 0; at <= spec.size(); ++at) {
    const bool end = at == spec.size();
    const char c = end ? 0 : spec[at];
    if (!end && c == ':' && buffer.size() == 1 && is_ascii_letter(buffer[0])) {
      buffer += c;
      continue;
    }
    if (!end && c != ':') {
      buffer += c;
      continue;
    }
    if (buffer.empty()) return fail("invalid spec: {}: empty section between colons", spec);
    if (!have_source && end) {
      fields.target = buffer;  // anonymous volume
    } else if (!have_source) {
      fields.source = buffer;
      have_source = true;
    } else if (!have_target) {
      fields.target = buffer;
      have_target = true;
    } else if (!end) {
      return fail("invalid spec: {}: too many colons", spec);
    }
    buffer.clear();
  }
  return fields;
}

// The daemon's ParseMountRaw for a spec with a source, then its mount checks.
Status validate_bind_spec(std::string_view raw) {
  auto invalid_spec = [&] { return fail("invalid volume specification: '{}'", raw); };
  std::vector<std::string_view> parts = split(raw, ':');
  if (parts[0].empty() || parts.size() > 3) return invalid_spec();
  if (parts.size() == 2 && valid_mount_mode(parts[1])) return invalid_spec();  // "/foo:rw" has no destination
  const std::string_view source = parts[0], target = parts[1];
  const std::string_view mode = parts.size() == 3 ? parts[2] : std::string_view();
  if (!valid_mount_mode(mode)) return fail("invalid mode: {}", mode);
  const bool bind = source.starts_with('/');
  const std::string_view type = bind ? "bind" : "volume";
  auto spec_error = [&](const Error& why) {
    return fail("invalid volume specification: '{}': invalid mount config for type \"{}\": {}", raw, type, why.message);
  };
  if (auto checked = validate_destination(target); !checked) return spec_error(checked.error());
  if (!bind && mode_has(mode, [](std::string_view o) { return propagation_modes().contains(o); }))
    return spec_error(Error{"field BindOptions must not be specified"});
  if (bind && mode_has(mode, [](std::string_view o) { return o == "nocopy"; })) return fail("invalid mode: {}", mode);
  if (!bind) return validate_volume_name(source);
  return {};
}

}  // namespace

Status validate_volume_name(std::string_view name) {
  if (name.size() == 1)
    return fail("create {}: volume name is too short, names should be at least two alphanumeric characters", name);
  bool valid = name.size() >= 2 && is_ascii_alnum(name[0]);
  for (char c : name.substr(1)) valid = valid && (is_ascii_alnum(c) || c == '_' || c == '.' || c == '-');
  if (!valid)
    return fail(
        "create {}: {} includes invalid characters for a local volume name, only \"[a-zA-Z0-9][a-zA-Z0-9_.-]\" are "
        "allowed. If you intended to pass a host directory, use absolute path",
        name, go_quote(name));
  return {};
}

Result<VolumeFlag> parse_volume_flag(std::string_view value, const std::string& cwd) {
  BERTH_ASSIGN(VolumeSpecFields fields, split_volume_spec(value));
  if (fields.source.empty()) {
    if (auto checked = validate_destination(value); !checked)
      return fail("invalid volume specification: '{}': invalid mount config for type \"volume\": {}", value,
                  checked.error().message);
    return VolumeFlag{.anonymous = true, .bind = "", .destination = std::string(value)};
  }
  std::string bind(value);
  // As docker's CLI: a host path starting with "." is made absolute; "~"
  // and other relative paths are left for the daemon to refuse.
  const size_t colon = bind.find(':');
  if (fields.source[0] == '.' && colon != std::string::npos && !cwd.empty())
    bind = absolute_path(bind.substr(0, colon), cwd) + bind.substr(colon);
  BERTH_TRY(validate_bind_spec(bind));
  return VolumeFlag{.anonymous = false, .bind = bind, .destination = fields.target};
}

Result<MountSpec> parse_mount_flag(std::string_view value, const std::string& cwd) {
  BERTH_ASSIGN(std::vector<std::string> fields, read_csv_record(value));
  MountSpec mount;
  mount.type = "volume";  // docker's default
  auto volume_options = [&]() -> MountSpec::Volume& {
    if (!mount.volume_options) mount.volume_options.emplace();
    if (!mount.volume_options->driver_config) mount.volume_options->driver_config.emplace();
    return *mount.volume_options;
  };
  auto bind_options = [&]() -> MountSpec::Bind& {
    if (!mount.bind_options) mount.bind_options.emplace();
    return *mount.bind_options;
  };
  auto tmpfs_options = [&]() -> MountSpec::Tmpfs& {
    if (!mount.tmpfs_options) mount.tmpfs_options.emplace();
    return *mount.tmpfs_options;
  };
  auto set_on_map = [](std::map<std::string, std::string>& target, std::string_view text) {
    const size_t equals = text.find('=');
    const std::string key(text.substr(0, equals));
    if (!key.empty()) target[key] = equals == std::string_view::npos ? "" : std::string(text.substr(equals + 1));
  };
  auto parse_bool = [](std::string_view key, std::string_view text) -> Result<bool> {
    auto parsed = parse_go_bool(text);
    if (!parsed) return fail("invalid value for {}: {}", key, text);
    return *parsed;
  };
  for (const std::string& field : fields) {
    const size_t equals = field.find('=');
    const std::string key = lowercase(std::string_view(field).substr(0, equals));
    if (equals == std::string::npos) {
      if (key == "readonly" || key == "ro")
        mount.read_only = true;
      else if (key == "volume-nocopy")
        volume_options().no_copy = true;
      else if (key == "bind-nonrecursive")
        bind_options().non_recursive = true;
      else
        return fail("invalid field '{}' must be a key=value pair", field);
      continue;
    }
    const std::string value_text = field.substr(equals + 1);
    if (key == "type") {
      mount.type = lowercase(value_text);
    } else if (key == "source" || key == "src") {
      mount.source = value_text;
      if ((value_text == "." || value_text.starts_with("./")) && !cwd.empty())
        mount.source = absolute_path(value_text, cwd);
    } else if (key == "target" || key == "dst" || key == "destination") {
      mount.target = value_text;
    } else if (key == "readonly" || key == "ro") {
      BERTH_ASSIGN(mount.read_only, parse_bool(key, value_text));
    } else if (key == "consistency") {
      mount.consistency = lowercase(value_text);
    } else if (key == "bind-propagation") {
      bind_options().propagation = lowercase(value_text);
    } else if (key == "bind-nonrecursive") {
      BERTH_ASSIGN(bind_options().non_recursive, parse_bool(key, value_text));
    } else if (key == "bind-recursive") {
      if (value_text == "disabled")
        bind_options().non_recursive = true;
      else if (value_text == "enabled")
        bind_options();
      else if (value_text == "writable" || value_text == "readonly")
        return fail("invalid value for {}: {} (berth supports \"enabled\" and \"disabled\")", key, value_text);
      else
        return fail("invalid value for {}: {} (must be \"enabled\", \"disabled\", \"writable\", or \"readonly\")", key,
                    value_text);
    } else if (key == "volume-nocopy") {
      auto parsed = parse_go_bool(value_text);
      if (!parsed) return fail("invalid value for volume-nocopy: {}", value_text);
      volume_options().no_copy = *parsed;
    } else if (key == "volume-label") {
      set_on_map(volume_options().labels, value_text);
    } else if (key == "volume-driver") {
      volume_options().driver_config->name = value_text;
    } else if (key == "volume-opt") {
      set_on_map(volume_options().driver_config->options, value_text);
    } else if (key == "tmpfs-size") {
      auto size = ram_in_bytes(value_text);
      if (!size) return fail("invalid value for {}: {}", key, value_text);
      tmpfs_options().size_bytes = *size;
    } else if (key == "tmpfs-mode") {
      uint64_t mode = 0;
      auto [end, error] = std::from_chars(value_text.data(), value_text.data() + value_text.size(), mode, 8);
      if (value_text.empty() || error != std::errc() || end != value_text.data() + value_text.size() ||
          mode > 0xffffffffu)
        return fail("invalid value for {}: {}", key, value_text);
      tmpfs_options().mode = static_cast<uint32_t>(mode);
    } else {
      return fail("unexpected key '{}' in '{}'", key, field);
    }
  }
  if (mount.type.empty()) return fail("type is required");
  if (mount.target.empty()) return fail("target is required");
  if (mount.volume_options && mount.type != "volume")
    return fail("cannot mix 'volume-*' options with mount type '{}'", mount.type);
  if (mount.bind_options && mount.type != "bind")
    return fail("cannot mix 'bind-*' options with mount type '{}'", mount.type);
  if (mount.tmpfs_options && mount.type != "tmpfs")
    return fail("cannot mix 'tmpfs-*' options with mount type '{}'", mount.type);
  return mount;
}

Status validate_mount(const MountSpec& mount) {
  if (auto checked = validate_destination(mount.target); !checked)
    return mount_config_error(mount.type, checked.error());
  if (mount.type == "bind") {
    if (mount.source.empty()) return mount_config_error(mount.type, Error{"field Source must not be empty"});
    if (mount.bind_options && !mount.bind_options->propagation.empty() &&
        !propagation_modes().contains(mount.bind_options->propagation))
      return mount_config_error(mount.type,
                                Error{fmt::format("invalid propagation mode: {}", mount.bind_options->propagation)});
    if (!mount.source.starts_with('/'))
      return mount_config_error(
          mount.type, Error{fmt::format("invalid mount path: '{}' mount path must be absolute", mount.source)});
  } else if (mount.type == "volume") {
    if (mount.source.empty() && mount.read_only)
      return mount_config_error(mount.type, Error{"must not set ReadOnly mode when using anonymous volumes"});
    if (!mount.source.empty()) BERTH_TRY(validate_volume_name(mount.source));
  } else if (mount.type == "tmpfs") {
    if (!mount.source.empty()) return mount_config_error(mount.type, Error{"field Source must not be specified"});
    if (mount.tmpfs_options && mount.tmpfs_options->size_bytes < 0)
      return mount_config_error(mount.type, Error{"invalid tmpfs size"});
  } else {
    return mount_config_error(mount.type, Error{"mount type unknown"});
  }
  return {};
}

Result<std::pair<std::string, std::string>> parse_tmpfs_flag(std::string_view value) {
  const size_t colon = value.find(':');
  std::string destination(value.substr(0, colon));
  std::string options = colon == std::string_view::npos ? "" : std::string(value.substr(colon + 1));
  if (auto checked = validate_destination(destination); !checked) return std::unexpected(checked.error());
  // pkg/mount's ParseTmpfsOptions: mount flags, or tmpfs data keys.
  static const std::set<std::string_view> flags = {
      "defaults",   "ro",         "rw",          "suid",          "nosuid",     "dev",        "nodev",
      "exec",       "noexec",     "sync",        "async",         "dirsync",    "remount",    "mand",
      "nomand",     "atime",      "noatime",     "diratime",      "nodiratime", "bind",       "rbind",
      "unbindable", "private",    "rprivate",    "shared",        "rshared",    "slave",      "rslave",
      "relatime",   "norelatime", "strictatime", "nostrictatime", "tmpcopyup",  "notmpcopyup"};
  static const std::set<std::string_view> data_keys = {"size", "mode", "uid", "gid", "nr_inodes", "nr_blocks", "mpol"};
  if (!options.empty())
    for (std::string_view option : split(options, ',')) {
      const size_t equals = option.find('=');
      const std::string_view key = option.substr(0, equals);
      if (equals == std::string_view::npos && flags.contains(key)) continue;
      if (!key.empty() && data_keys.contains(key)) continue;
      std::string shown = go_quote(key);
      if (equals != std::string_view::npos) shown += " " + go_quote(option.substr(equals + 1));
      return fail("invalid tmpfs option [{}]", shown);
    }
  return std::pair{std::move(destination), std::move(options)};
}

namespace {

// validDeviceMode: r, w, m, each at most once.
bool valid_device_mode(std::string_view mode) {
  if (mode.empty()) return false;
  std::set<char> seen;
  for (char c : mode)
    if ((c != 'r' && c != 'w' && c != 'm') || !seen.insert(c).second) return false;
  return true;
}

}  // namespace

Result<DeviceMapping> parse_device_flag(std::string_view value) {
  // validateLinuxPath, then parseLinuxDevice on the normalised value.
  if (std::count(value.begin(), value.end(), ':') > 2) return fail("bad format for path: {}", value);
  std::vector<std::string_view> parts = split(value, ':');
  if (parts[0].empty()) return fail("bad format for path: {}", value);
  DeviceMapping device{.path_on_host = std::string(parts[0]), .path_in_container = "", .cgroup_permissions = "rwm"};
  std::string container_path;
  switch (parts.size()) {
    case 1:
      container_path = std::string(parts[0]);
      device.path_on_host = clean_path(parts[0]);
      break;
    case 2:
      if (valid_device_mode(parts[1])) {
        container_path = std::string(parts[0]);
        device.path_on_host = clean_path(parts[0]);
        device.cgroup_permissions = std::string(parts[1]);
      } else {
        container_path = std::string(parts[1]);
        device.path_in_container = clean_path(parts[1]);
      }
      break;
    default:
      if (!valid_device_mode(parts[2])) return fail("bad mode specified: {}", parts[2]);
      container_path = std::string(parts[1]);
      device.path_in_container = container_path;
      device.cgroup_permissions = std::string(parts[2]);
  }
  if (!container_path.starts_with('/')) return fail("{} is not an absolute path", container_path);
  if (device.path_in_container.empty()) device.path_in_container = device.path_on_host;
  return device;
}

}  // namespace berth::cli
