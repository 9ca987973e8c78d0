#include "cli/security_flags.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <nlohmann/json.hpp>
#include <set>

#include "base/unique_fd.h"
#include "cli/flag_values.h"

namespace berth::cli {

namespace {

// Reads a whole file of at most `limit` bytes; larger is an error, not a truncation.
Result<std::string> read_bounded_file(const std::string& path, size_t limit) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return fail_errno(errno, "open {}", path);
  std::string content;
  char buffer[64 * 1024];
  while (true) {
    const ssize_t got = ::read(fd.get(), buffer, sizeof buffer);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return fail_errno(errno, "read {}", path);
    if (got == 0) return content;
    if (content.size() + static_cast<size_t>(got) > limit) return fail("{}: larger than {} bytes", path, limit);
    content.append(buffer, static_cast<size_t>(got));
  }
}

// Go's json.Compact: the same document without insignificant whitespace,
// keys in their order.
Result<std::string> compact_json(const std::string& text) {
  try {
    return nlohmann::ordered_json::parse(text).dump();
  } catch (const nlohmann::json::exception& error) {
    return fail("{}", error.what());
  }
}

// SELinux label options the daemon's label.InitLabels takes.
bool valid_label_option(std::string_view value) {
  if (value == "disable" || value == "nested") return true;
  const size_t colon = value.find(':');
  if (colon == std::string_view::npos || colon + 1 == value.size()) return false;
  const std::string_view key = value.substr(0, colon);
  return key == "user" || key == "role" || key == "type" || key == "level" || key == "filetype";
}

const std::set<std::string_view>& known_capabilities() {
  static const std::set<std::string_view> names = {"CAP_AUDIT_CONTROL",   "CAP_AUDIT_READ",   "CAP_AUDIT_WRITE",
                                                   "CAP_BLOCK_SUSPEND",   "CAP_BPF",          "CAP_CHECKPOINT_RESTORE",
                                                   "CAP_CHOWN",           "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH",
                                                   "CAP_FOWNER",          "CAP_FSETID",       "CAP_IPC_LOCK",
                                                   "CAP_IPC_OWNER",       "CAP_KILL",         "CAP_LEASE",
                                                   "CAP_LINUX_IMMUTABLE", "CAP_MAC_ADMIN",    "CAP_MAC_OVERRIDE",
                                                   "CAP_MKNOD",           "CAP_NET_ADMIN",    "CAP_NET_BIND_SERVICE",
                                                   "CAP_NET_BROADCAST",   "CAP_NET_RAW",      "CAP_PERFMON",
                                                   "CAP_SETFCAP",         "CAP_SETGID",       "CAP_SETPCAP",
                                                   "CAP_SETUID",          "CAP_SYS_ADMIN",    "CAP_SYS_BOOT",
                                                   "CAP_SYS_CHROOT",      "CAP_SYS_MODULE",   "CAP_SYS_NICE",
                                                   "CAP_SYS_PACCT",       "CAP_SYS_PTRACE",   "CAP_SYS_RAWIO",
                                                   "CAP_SYS_RESOURCE",    "CAP_SYS_TIME",     "CAP_SYS_TTY_CONFIG",
                                                   "CAP_SYSLOG",          "CAP_WAKE_ALARM"};
  return names;
}

std::string normalize_capability(std::string_view name) {
  const size_t first = name.find_first_not_of(" \t\n\r\v\f");
  const size_t last = name.find_last_not_of(" \t\n\r\v\f");
  std::string upper(first == std::string_view::npos ? std::string_view() : name.substr(first, last - first + 1));
  std::transform(upper.begin(), upper.end(), upper.begin(), [](unsigned char c) { return std::toupper(c); });
  if (upper.empty() || upper == "ALL" || upper == "RESET") return upper;
  return upper.starts_with("CAP_") ? upper : "CAP_" + upper;
}

Result<std::vector<std::string>> normalize_capabilities(const std::vector<std::string>& names) {
  std::set<std::string> unique;
  for (const std::string& name : names) {
    std::string normalized = normalize_capability(name);
    if (normalized.empty()) continue;
    if (normalized != "ALL" && !known_capabilities().contains(normalized))
      return fail("unknown capability: {}", go_quote(normalized));
    unique.insert(std::move(normalized));
  }
  if (unique.contains("ALL")) return std::vector<std::string>{"ALL"};
  return std::vector<std::string>(unique.begin(), unique.end());
}

}  // namespace

Result<SecurityOptions> parse_security_opts(const std::vector<std::string>& values) {
  SecurityOptions result;
  for (const std::string& option : values) {
    // The CLI: key=value (or the old key:value); only no-new-privileges may stand alone.
    size_t separator = option.find('=');
    if (separator == std::string::npos && option != "no-new-privileges") separator = option.find(':');
    const std::string key = option.substr(0, separator);
    const std::string value = separator == std::string::npos ? "" : option.substr(separator + 1);
    if ((separator == std::string::npos || value.empty()) && key != "no-new-privileges")
      return fail("invalid --security-opt: {}", go_quote(option));
    if (option == "systempaths=unconfined") {
      result.unconfined_system_paths = true;
      continue;
    }
    // The daemon: known keys only.
    auto unknown = [&] { return fail("invalid --security-opt 2: {}", go_quote(option)); };
    if (key == "no-new-privileges" || key == "writable-cgroups") {
      if (separator != std::string::npos && !parse_go_bool(value)) return unknown();
      if (key == "writable-cgroups" && separator == std::string::npos) return unknown();
    } else if (key == "label") {
      if (!valid_label_option(value))
        return fail(
            "bad label option {}, valid options 'disable' or 'user, role, level, type, filetype' followed by ':' "
            "and a value",
            go_quote(value));
    } else if (key == "seccomp") {
      if (value != "builtin" && value != "unconfined") {
        // As docker's CLI: the profile file is read here and sent inline.
        auto content = read_bounded_file(value, max_seccomp_profile_size);
        if (!content) return fail("opening seccomp profile ({}) failed: {}", value, content.error().message);
        auto compact = compact_json(*content);
        if (!compact)
          return fail("compacting json for seccomp profile ({}) failed: {}", value, compact.error().message);
        result.options.push_back("seccomp=" + *compact);
        continue;
      }
    } else if (key != "apparmor") {
      return unknown();
    }
    result.options.push_back(option);
  }
  return result;
}

Result<Capabilities> effective_capabilities(const std::vector<std::string>& add, const std::vector<std::string>& drop) {
  Capabilities result;
  BERTH_ASSIGN(result.add, normalize_capabilities(add));
  BERTH_ASSIGN(std::vector<std::string> dropped, normalize_capabilities(drop));
  for (std::string& name : dropped)
    if (std::find(result.add.begin(), result.add.end(), name) == result.add.end()) result.drop.push_back(name);
  return result;
}

}  // namespace berth::cli
