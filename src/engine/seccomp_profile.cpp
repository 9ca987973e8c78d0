// Docker seccomp profile JSON -> SeccompProfile -> oci::Seccomp. Inside this
// file a malformed field throws FieldError carrying its path; the public
// entry points turn it into a Result, so no exception leaves the file.
//
// The names checked here (actions, operators, SCMP_ARCH_*, flags) are the
// runtime-spec's vocabulary, which Docker profiles share; checking them while
// the profile is parsed lets errors point at the profile's own rule index
// (the resolved section has fewer rules, so the runtime's indexes differ).
#include "engine/seccomp_profile.h"

#include <algorithm>
#include <charconv>
#include <nlohmann/json.hpp>

namespace berth {

using nlohmann::json;

namespace {

struct FieldError {
  std::string message;
};

[[noreturn]] void bad(const std::string& where, const std::string& what) {
  throw FieldError{where.empty() ? what : fmt::format("{}: {}", where, what)};
}

constexpr std::string_view kActions[] = {
    "SCMP_ACT_KILL",  "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD", "SCMP_ACT_TRAP",   "SCMP_ACT_ERRNO",
    "SCMP_ACT_TRACE", "SCMP_ACT_ALLOW",        "SCMP_ACT_LOG",         "SCMP_ACT_NOTIFY",
};

constexpr std::string_view kOperators[] = {
    "SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE", "SCMP_CMP_EQ", "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_MASKED_EQ",
};

constexpr std::string_view kArchitectures[] = {
    "SCMP_ARCH_X86",         "SCMP_ARCH_X86_64", "SCMP_ARCH_X32",       "SCMP_ARCH_ARM",     "SCMP_ARCH_AARCH64",
    "SCMP_ARCH_MIPS",        "SCMP_ARCH_MIPS64", "SCMP_ARCH_MIPS64N32", "SCMP_ARCH_MIPSEL",  "SCMP_ARCH_MIPSEL64",
    "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PPC",    "SCMP_ARCH_PPC64",     "SCMP_ARCH_PPC64LE", "SCMP_ARCH_S390",
    "SCMP_ARCH_S390X",       "SCMP_ARCH_PARISC", "SCMP_ARCH_PARISC64",  "SCMP_ARCH_RISCV64", "SCMP_ARCH_LOONGARCH64",
    "SCMP_ARCH_M68K",        "SCMP_ARCH_SH",     "SCMP_ARCH_SHEB",
};

constexpr std::string_view kFlags[] = {
    "SECCOMP_FILTER_FLAG_TSYNC",
    "SECCOMP_FILTER_FLAG_LOG",
    "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
    "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV",
};

// A Go architecture, the name Docker profiles use for it in includes/excludes
// `arches` (libseccomp's spelling), and its SCMP_ARCH_* for the archMap.
struct NativeArch {
  std::string_view go_arch, profile_name, scmp_arch;
};

constexpr NativeArch kNativeArches[] = {
    {"386", "x86", "SCMP_ARCH_X86"},
    {"amd64", "amd64", "SCMP_ARCH_X86_64"},
    {"arm", "arm", "SCMP_ARCH_ARM"},
    {"arm64", "arm64", "SCMP_ARCH_AARCH64"},
    {"loong64", "loongarch64", "SCMP_ARCH_LOONGARCH64"},
    {"mips", "mips", "SCMP_ARCH_MIPS"},
    {"mipsle", "mipsel", "SCMP_ARCH_MIPSEL"},
    {"mips64", "mips64", "SCMP_ARCH_MIPS64"},
    {"mips64le", "mipsel64", "SCMP_ARCH_MIPSEL64"},
    {"mips64p32", "mips64n32", "SCMP_ARCH_MIPS64N32"},
    {"mips64p32le", "mipsel64n32", "SCMP_ARCH_MIPSEL64N32"},
    {"ppc", "ppc", "SCMP_ARCH_PPC"},
    {"ppc64", "ppc64", "SCMP_ARCH_PPC64"},
    {"ppc64le", "ppc64le", "SCMP_ARCH_PPC64LE"},
    {"riscv64", "riscv64", "SCMP_ARCH_RISCV64"},
    {"s390", "s390", "SCMP_ARCH_S390"},
    {"s390x", "s390x", "SCMP_ARCH_S390X"},
};

// Names a profile may use in `arches`: the native names above, x32 (which no
// Go arch is, but Docker's default profile names it), and moby's historical
// spelling "mips3l64n32".
bool known_profile_arch(std::string_view name) {
  if (name == "x32" || name == "mips3l64n32") return true;
  return std::ranges::any_of(kNativeArches, [&](const NativeArch& arch) { return arch.profile_name == name; });
}

template <size_t N>
bool one_of(const std::string_view (&names)[N], std::string_view name) {
  return std::ranges::find(names, name) != std::end(names);
}

bool takes_errno(std::string_view action) { return action == "SCMP_ACT_ERRNO" || action == "SCMP_ACT_TRACE"; }

// ---- typed access; `null` counts as absent, as Go's decoder treats it ----

const json* member(const json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return nullptr;
  return &*it;
}

std::string field(const std::string& where, std::string_view key) {
  return where.empty() ? std::string(key) : fmt::format("{}.{}", where, key);
}

void expect_object(const json& value, const std::string& where) {
  if (!value.is_object()) bad(where, fmt::format("expected an object, got {}", value.type_name()));
}

std::string get_string(const json& value, const std::string& where) {
  if (!value.is_string()) bad(where, fmt::format("expected a string, got {}", value.type_name()));
  return value.get<std::string>();
}

uint64_t get_unsigned(const json& value, const std::string& where, uint64_t max) {
  if (value.is_number_unsigned()) {
    uint64_t number = value.get<uint64_t>();
    if (number > max) bad(where, fmt::format("{} is out of range (0..{})", number, max));
    return number;
  }
  if (value.is_number_integer()) bad(where, fmt::format("{} is negative", value.get<int64_t>()));
  if (value.is_number_float()) bad(where, fmt::format("expected an unsigned integer, got {}", value.dump()));
  bad(where, fmt::format("expected an unsigned integer, got {}", value.type_name()));
}

template <class F>
void for_each_element(const json& value, const std::string& where, F each) {
  if (!value.is_array()) bad(where, fmt::format("expected an array, got {}", value.type_name()));
  for (size_t i = 0; i < value.size(); ++i) each(value[i], fmt::format("{}[{}]", where, i));
}

std::vector<std::string> get_strings(const json& value, const std::string& where) {
  std::vector<std::string> strings;
  for_each_element(value, where, [&](const json& element, const std::string& element_where) {
    strings.push_back(get_string(element, element_where));
  });
  return strings;
}

// ---- kernel versions ----

// "MAJOR.MINOR" as a profile's minKernel must be spelled (Docker refuses
// anything else, and 0.0).
std::optional<std::pair<unsigned, unsigned>> parse_min_kernel(const std::string& text) {
  size_t dot = text.find('.');
  if (dot == std::string::npos || dot == 0 || dot + 1 == text.size()) return std::nullopt;
  unsigned major = 0, minor = 0;
  const char* end = text.data() + text.size();
  auto [after_major, major_error] = std::from_chars(text.data(), text.data() + dot, major);
  auto [after_minor, minor_error] = std::from_chars(text.data() + dot + 1, end, minor);
  if (major_error != std::errc() || after_major != text.data() + dot || minor_error != std::errc() ||
      after_minor != end || major > 255 || minor > 255 || (major == 0 && minor == 0))
    return std::nullopt;
  return std::pair{major, minor};
}

// The MAJOR.MINOR prefix of a uname release ("6.1.0-18-amd64", "3.12-1-amd64").
std::optional<std::pair<unsigned, unsigned>> parse_kernel_release(std::string_view release) {
  unsigned major = 0, minor = 0;
  const char* end = release.data() + release.size();
  auto [after_major, major_error] = std::from_chars(release.data(), end, major);
  if (major_error != std::errc() || after_major == end || *after_major != '.') return std::nullopt;
  auto [after_minor, minor_error] = std::from_chars(after_major + 1, end, minor);
  if (minor_error != std::errc()) return std::nullopt;
  return std::pair{major, minor};
}

// ---- the profile ----

SeccompCondition parse_condition(const json& value, const std::string& where) {
  expect_object(value, where);
  SeccompCondition condition;
  if (const json* caps = member(value, "caps")) {
    condition.caps = get_strings(*caps, field(where, "caps"));
    for (size_t i = 0; i < condition.caps.size(); ++i) {
      const std::string& cap = condition.caps[i];
      bool well_formed = cap.size() > 4 && cap.starts_with("CAP_") && std::ranges::all_of(cap, [](char c) {
                           return (c >= 'A' && c <= 'Z') || c == '_' || (c >= '0' && c <= '9');
                         });
      if (!well_formed)
        bad(fmt::format("{}.caps[{}]", where, i), fmt::format("\"{}\" is not a capability name (CAP_...)", cap));
    }
  }
  if (const json* arches = member(value, "arches")) {
    condition.arches = get_strings(*arches, field(where, "arches"));
    for (size_t i = 0; i < condition.arches.size(); ++i)
      if (!known_profile_arch(condition.arches[i]))
        bad(fmt::format("{}.arches[{}]", where, i), fmt::format("unknown architecture \"{}\"", condition.arches[i]));
  }
  if (const json* min_kernel = member(value, "minKernel")) {
    std::string text = get_string(*min_kernel, field(where, "minKernel"));
    if (!text.empty()) {
      condition.min_kernel = parse_min_kernel(text);
      if (!condition.min_kernel)
        bad(field(where, "minKernel"),
            fmt::format("invalid kernel version \"{}\", expected MAJOR.MINOR such as \"4.8\"", text));
    }
  }
  return condition;
}

std::string parse_action(const json& value, const std::string& where) {
  std::string action = get_string(value, where);
  if (!one_of(kActions, action)) bad(where, fmt::format("unknown action \"{}\"", action));
  return action;
}

// errnoRet / defaultErrnoRet: only ERRNO and TRACE carry one (16 bits).
std::optional<uint32_t> parse_errno_ret(const json* value, const std::string& where, const std::string& action) {
  if (!value) return std::nullopt;
  auto errno_ret = static_cast<uint32_t>(get_unsigned(*value, where, 0xffff));
  if (!takes_errno(action))
    bad(where, fmt::format("{} does not take an errno value (only SCMP_ACT_ERRNO and SCMP_ACT_TRACE do)", action));
  return errno_ret;
}

oci::SeccompArg parse_arg(const json& value, const std::string& where) {
  expect_object(value, where);
  oci::SeccompArg arg;
  const json* index = member(value, "index");
  if (!index) bad(field(where, "index"), "is required");
  arg.index = static_cast<unsigned>(get_unsigned(*index, field(where, "index"), UINT32_MAX));
  if (arg.index > 5) bad(field(where, "index"), fmt::format("{} is not a syscall argument index (0..5)", arg.index));
  if (const json* v = member(value, "value")) arg.value = get_unsigned(*v, field(where, "value"), UINT64_MAX);
  if (const json* v = member(value, "valueTwo")) arg.value_two = get_unsigned(*v, field(where, "valueTwo"), UINT64_MAX);
  const json* op = member(value, "op");
  if (!op) bad(field(where, "op"), "is required");
  arg.op = get_string(*op, field(where, "op"));
  if (!one_of(kOperators, arg.op)) bad(field(where, "op"), fmt::format("unknown operator \"{}\"", arg.op));
  return arg;
}

// Kernel syscall names are lower-case letters, digits and '_'; anything else
// (a NUL, a space) could only be a mistake or an attempt to confuse the
// name lookup further down.
void check_syscall_name(const std::string& name, const std::string& where) {
  if (name.empty()) bad(where, "empty syscall name");
  bool well_formed =
      std::ranges::all_of(name, [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; });
  if (!well_formed) bad(where, fmt::format("{} is not a syscall name", json(name).dump()));
}

SeccompProfileRule parse_rule(const json& value, const std::string& where) {
  expect_object(value, where);
  SeccompProfileRule rule;
  oci::SeccompSyscall& syscall = rule.syscall;
  const json* name = member(value, "name");
  const json* names = member(value, "names");
  if (name && names) bad(where, "both name and names are set; use one of them");
  if (name) {
    syscall.names.push_back(get_string(*name, field(where, "name")));
    check_syscall_name(syscall.names[0], field(where, "name"));
  } else if (names) {
    syscall.names = get_strings(*names, field(where, "names"));
    if (syscall.names.empty()) bad(field(where, "names"), "must name at least one syscall");
    for (size_t i = 0; i < syscall.names.size(); ++i)
      check_syscall_name(syscall.names[i], fmt::format("{}.names[{}]", where, i));
  } else {
    bad(where, "names (or name) is required");
  }
  const json* action = member(value, "action");
  if (!action) bad(field(where, "action"), "is required");
  syscall.action = parse_action(*action, field(where, "action"));
  syscall.errno_ret = parse_errno_ret(member(value, "errnoRet"), field(where, "errnoRet"), syscall.action);
  if (const json* args = member(value, "args"))
    for_each_element(*args, field(where, "args"), [&](const json& arg, const std::string& arg_where) {
      syscall.args.push_back(parse_arg(arg, arg_where));
    });
  if (const json* includes = member(value, "includes"))
    rule.includes = parse_condition(*includes, field(where, "includes"));
  if (const json* excludes = member(value, "excludes"))
    rule.excludes = parse_condition(*excludes, field(where, "excludes"));
  return rule;
}

std::string checked_architecture(const json& value, const std::string& where) {
  std::string arch = get_string(value, where);
  if (!one_of(kArchitectures, arch)) bad(where, fmt::format("unknown architecture \"{}\"", arch));
  return arch;
}

SeccompProfile parse_profile(const json& document) {
  expect_object(document, "profile");
  SeccompProfile profile;
  const json* default_action = member(document, "defaultAction");
  if (!default_action) bad("defaultAction", "is required");
  profile.default_action = parse_action(*default_action, "defaultAction");
  if (profile.default_action == "SCMP_ACT_NOTIFY") bad("defaultAction", "SCMP_ACT_NOTIFY cannot be the default action");
  profile.default_errno_ret =
      parse_errno_ret(member(document, "defaultErrnoRet"), "defaultErrnoRet", profile.default_action);

  if (const json* architectures = member(document, "architectures"))
    for_each_element(*architectures, "architectures", [&](const json& arch, const std::string& where) {
      profile.architectures.push_back(checked_architecture(arch, where));
    });
  if (const json* arch_map = member(document, "archMap"))
    for_each_element(*arch_map, "archMap", [&](const json& entry, const std::string& where) {
      expect_object(entry, where);
      SeccompArchMapEntry parsed;
      const json* architecture = member(entry, "architecture");
      if (!architecture) bad(field(where, "architecture"), "is required");
      parsed.architecture = checked_architecture(*architecture, field(where, "architecture"));
      if (const json* subs = member(entry, "subArchitectures"))
        for_each_element(*subs, field(where, "subArchitectures"), [&](const json& sub, const std::string& sub_where) {
          parsed.sub_architectures.push_back(checked_architecture(sub, sub_where));
        });
      profile.arch_map.push_back(std::move(parsed));
    });
  if (!profile.architectures.empty() && !profile.arch_map.empty())
    bad("", "both architectures and archMap are set; use one of them");

  if (const json* flags = member(document, "flags")) {
    profile.flags = get_strings(*flags, "flags");
    for (size_t i = 0; i < profile.flags.size(); ++i)
      if (!one_of(kFlags, profile.flags[i]))
        bad(fmt::format("flags[{}]", i), fmt::format("unknown flag \"{}\"", profile.flags[i]));
  }
  if (const json* path = member(document, "listenerPath")) profile.listener_path = get_string(*path, "listenerPath");
  if (const json* metadata = member(document, "listenerMetadata"))
    profile.listener_metadata = get_string(*metadata, "listenerMetadata");

  bool uses_notify = false;
  if (const json* syscalls = member(document, "syscalls"))
    for_each_element(*syscalls, "syscalls", [&](const json& rule, const std::string& where) {
      profile.rules.push_back(parse_rule(rule, where));
      uses_notify = uses_notify || profile.rules.back().syscall.action == "SCMP_ACT_NOTIFY";
    });
  if (uses_notify && profile.listener_path.empty()) bad("listenerPath", "required when an action is SCMP_ACT_NOTIFY");
  return profile;
}

bool contains(const std::vector<std::string>& list, std::string_view name) {
  return std::ranges::find(list, name) != list.end();
}

}  // namespace

Result<SeccompProfile> parse_seccomp_profile(std::string_view json_text) {
  // nlohmann's parser and destructor are iterative, so deep nesting costs
  // memory in proportion to the input but cannot overflow the stack.
  json document = json::parse(json_text, nullptr, /*allow_exceptions=*/false);
  if (document.is_discarded()) {
    try {  // again with exceptions, only for the library's position message
      [[maybe_unused]] json reparsed = json::parse(json_text);
    } catch (const json::exception& error) {
      return fail("invalid JSON: {}", error.what());
    }
    return fail("invalid JSON");
  }
  try {
    return parse_profile(document);
  } catch (const FieldError& error) {
    return fail("{}", error.message);
  } catch (const json::exception& error) {
    return fail("{}", error.what());
  }
}

Result<oci::Seccomp> resolve_seccomp_profile(const SeccompProfile& profile, const SeccompContext& context) {
  const NativeArch* native = nullptr;
  for (const NativeArch& arch : kNativeArches)
    if (arch.go_arch == context.native_arch) native = &arch;
  if (!native) return fail("seccomp: unknown native architecture \"{}\"", context.native_arch);

  // Parsed on first use: a profile without minKernel works on any release string.
  std::optional<std::pair<unsigned, unsigned>> kernel;
  auto kernel_at_least = [&](std::pair<unsigned, unsigned> minimum) -> Result<bool> {
    if (!kernel) kernel = parse_kernel_release(context.kernel_version);
    if (!kernel) return fail("seccomp: cannot read a kernel version from \"{}\"", context.kernel_version);
    return *kernel >= minimum;
  };

  oci::Seccomp seccomp{.default_action = profile.default_action,
                       .default_errno_ret = profile.default_errno_ret,
                       .architectures = profile.architectures,
                       .flags = profile.flags,
                       .listener_path = profile.listener_path,
                       .listener_metadata = profile.listener_metadata,
                       .syscalls = {}};
  for (const SeccompArchMapEntry& entry : profile.arch_map) {
    if (entry.architecture != native->scmp_arch) continue;
    seccomp.architectures.push_back(entry.architecture);
    seccomp.architectures.insert(seccomp.architectures.end(), entry.sub_architectures.begin(),
                                 entry.sub_architectures.end());
    break;
  }

  const std::string native_name(native->profile_name);
  for (const SeccompProfileRule& rule : profile.rules) {
    const SeccompCondition& excludes = rule.excludes;
    if (contains(excludes.arches, native_name)) continue;
    if (std::ranges::any_of(excludes.caps, [&](const std::string& cap) { return contains(context.capabilities, cap); }))
      continue;
    if (excludes.min_kernel) {
      BERTH_ASSIGN(bool newer, kernel_at_least(*excludes.min_kernel));
      if (newer) continue;
    }
    const SeccompCondition& includes = rule.includes;
    if (!includes.arches.empty() && !contains(includes.arches, native_name)) continue;
    if (!std::ranges::all_of(includes.caps,
                             [&](const std::string& cap) { return contains(context.capabilities, cap); }))
      continue;
    if (includes.min_kernel) {
      BERTH_ASSIGN(bool newer, kernel_at_least(*includes.min_kernel));
      if (!newer) continue;
    }
    seccomp.syscalls.push_back(rule.syscall);
  }
  return seccomp;
}

Result<oci::Seccomp> seccomp_from_profile(std::string_view json_text, const SeccompContext& context) {
  BERTH_ASSIGN(SeccompProfile profile, parse_seccomp_profile(json_text));
  return resolve_seccomp_profile(profile, context);
}

}  // namespace berth
