// config.json → oci::Spec. Inside this file a malformed field throws
// FieldError carrying its dotted path; the public entry points turn that into
// a Result, so no exception leaves the module.
#include <sched.h>

#include <limits>
#include <nlohmann/json.hpp>
#include <set>

#include "oci/runtime_spec.h"

namespace berth::oci {

using nlohmann::json;

namespace {

// Each namespace type with its spec name, its /proc/PID/ns name and its clone flag.
struct NamespaceFacts {
  NamespaceType type;
  std::string_view spec_name, proc_name;
  int clone_flag;
};
constexpr NamespaceFacts namespace_table[] = {
    {NamespaceType::pid, "pid", "pid", CLONE_NEWPID},
    {NamespaceType::network, "network", "net", CLONE_NEWNET},
    {NamespaceType::mount, "mount", "mnt", CLONE_NEWNS},
    {NamespaceType::ipc, "ipc", "ipc", CLONE_NEWIPC},
    {NamespaceType::uts, "uts", "uts", CLONE_NEWUTS},
    {NamespaceType::user, "user", "user", CLONE_NEWUSER},
    {NamespaceType::cgroup, "cgroup", "cgroup", CLONE_NEWCGROUP},
    {NamespaceType::time, "time", "time", CLONE_NEWTIME},
};

const NamespaceFacts& namespace_facts(NamespaceType type) {
  for (const auto& facts : namespace_table)
    if (facts.type == type) return facts;
  return namespace_table[0];  // unreachable: the table covers the enum
}

struct FieldError {
  std::string message;
};

[[noreturn]] void bad(const std::string& where, const std::string& what) {
  throw FieldError{fmt::format("{}: {}", where, what)};
}

std::string type_name(const json& value) { return value.type_name(); }

const json* member(const json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return nullptr;
  return &*it;
}

void expect_object(const json& value, const std::string& where) {
  if (!value.is_object()) bad(where, "expected an object, got " + type_name(value));
}

std::string get_string(const json& value, const std::string& where) {
  if (!value.is_string()) bad(where, "expected a string, got " + type_name(value));
  return value.get<std::string>();
}

bool get_bool(const json& value, const std::string& where) {
  if (!value.is_boolean()) bad(where, "expected true or false, got " + type_name(value));
  return value.get<bool>();
}

template <class Int>
Int get_int(const json& value, const std::string& where) {
  if (value.is_number_unsigned()) {
    auto number = value.get<uint64_t>();
    if (number > static_cast<uint64_t>(std::numeric_limits<Int>::max()))
      bad(where, fmt::format("{} is out of range (at most {})", number, std::numeric_limits<Int>::max()));
    return static_cast<Int>(number);
  }
  if (value.is_number_integer()) {
    auto number = value.get<int64_t>();
    if (number < static_cast<int64_t>(std::numeric_limits<Int>::min()) ||
        (number > 0 && static_cast<uint64_t>(number) > static_cast<uint64_t>(std::numeric_limits<Int>::max())))
      bad(where, fmt::format("{} is out of range", number));
    return static_cast<Int>(number);
  }
  bad(where, "expected an integer, got " + type_name(value));
}

std::vector<std::string> get_strings(const json& value, const std::string& where) {
  if (!value.is_array()) bad(where, "expected an array of strings, got " + type_name(value));
  std::vector<std::string> strings;
  for (size_t i = 0; i < value.size(); ++i) strings.push_back(get_string(value[i], fmt::format("{}[{}]", where, i)));
  return strings;
}

std::map<std::string, std::string> get_string_map(const json& value, const std::string& where) {
  expect_object(value, where);
  std::map<std::string, std::string> map;
  for (auto& [key, item] : value.items()) map[key] = get_string(item, where + "." + key);
  return map;
}

template <class T, class F>
std::vector<T> get_array(const json& value, const std::string& where, F parse_item) {
  if (!value.is_array()) bad(where, "expected an array, got " + type_name(value));
  std::vector<T> items;
  for (size_t i = 0; i < value.size(); ++i) items.push_back(parse_item(value[i], fmt::format("{}[{}]", where, i)));
  return items;
}

// Helpers that read an optional member into a field.
template <class F>
void with(const json& object, const char* key, const std::string& where, F use) {
  if (const json* value = member(object, key)) use(*value, where.empty() ? std::string(key) : where + "." + key);
}

template <class Int>
void read_int(const json& object, const char* key, const std::string& where, Int& field) {
  with(object, key, where, [&](const json& v, const std::string& w) { field = get_int<Int>(v, w); });
}
template <class Int>
void read_int(const json& object, const char* key, const std::string& where, std::optional<Int>& field) {
  with(object, key, where, [&](const json& v, const std::string& w) { field = get_int<Int>(v, w); });
}
void read_string(const json& object, const char* key, const std::string& where, std::string& field) {
  with(object, key, where, [&](const json& v, const std::string& w) { field = get_string(v, w); });
}
void read_bool(const json& object, const char* key, const std::string& where, bool& field) {
  with(object, key, where, [&](const json& v, const std::string& w) { field = get_bool(v, w); });
}
void read_bool(const json& object, const char* key, const std::string& where, std::optional<bool>& field) {
  with(object, key, where, [&](const json& v, const std::string& w) { field = get_bool(v, w); });
}
void read_strings(const json& object, const char* key, const std::string& where, std::vector<std::string>& field) {
  with(object, key, where, [&](const json& v, const std::string& w) { field = get_strings(v, w); });
}

void require_absolute(const std::string& path, const std::string& where) {
  if (path.empty() || path[0] != '/') bad(where, fmt::format("\"{}\" must be an absolute path", path));
}

// Refuses ".." components: a destination that climbs is either a mistake or an attack.
void refuse_dot_dot(const std::string& path, const std::string& where) {
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    if (path.compare(start, end - start, "..") == 0) bad(where, fmt::format("\"{}\" must not contain \"..\"", path));
    start = end + 1;
  }
}

void check_path_length(const std::string& path, const std::string& where) {
  if (path.size() >= 4096) bad(where, fmt::format("path of {} bytes is longer than PATH_MAX", path.size()));
}

User parse_user(const json& value, const std::string& where) {
  expect_object(value, where);
  User user;
  read_int(value, "uid", where, user.uid);
  read_int(value, "gid", where, user.gid);
  read_int(value, "umask", where, user.umask);
  with(value, "additionalGids", where, [&](const json& v, const std::string& w) {
    user.additional_gids =
        get_array<uint32_t>(v, w, [](const json& i, const std::string& iw) { return get_int<uint32_t>(i, iw); });
  });
  read_string(value, "username", where, user.username);
  return user;
}

Capabilities parse_capabilities(const json& value, const std::string& where) {
  expect_object(value, where);
  Capabilities caps;
  read_strings(value, "bounding", where, caps.bounding);
  read_strings(value, "effective", where, caps.effective);
  read_strings(value, "inheritable", where, caps.inheritable);
  read_strings(value, "permitted", where, caps.permitted);
  read_strings(value, "ambient", where, caps.ambient);
  for (auto* set : {&caps.bounding, &caps.effective, &caps.inheritable, &caps.permitted, &caps.ambient})
    for (auto& name : *set)
      if (name.rfind("CAP_", 0) != 0) bad(where, fmt::format("unknown capability \"{}\"", name));
  return caps;
}

Rlimit parse_rlimit(const json& value, const std::string& where) {
  expect_object(value, where);
  Rlimit limit;
  read_string(value, "type", where, limit.type);
  static const std::set<std::string> names{"RLIMIT_AS",     "RLIMIT_CORE",   "RLIMIT_CPU",        "RLIMIT_DATA",
                                           "RLIMIT_FSIZE",  "RLIMIT_LOCKS",  "RLIMIT_MEMLOCK",    "RLIMIT_MSGQUEUE",
                                           "RLIMIT_NICE",   "RLIMIT_NOFILE", "RLIMIT_NPROC",      "RLIMIT_RSS",
                                           "RLIMIT_RTPRIO", "RLIMIT_RTTIME", "RLIMIT_SIGPENDING", "RLIMIT_STACK"};
  if (!names.count(limit.type)) bad(where + ".type", fmt::format("unknown rlimit \"{}\"", limit.type));
  read_int(value, "hard", where, limit.hard);
  read_int(value, "soft", where, limit.soft);
  return limit;
}

Process parse_process_object(const json& value, const std::string& where) {
  expect_object(value, where);
  Process process;
  read_bool(value, "terminal", where, process.terminal);
  with(value, "consoleSize", where, [&](const json& v, const std::string& w) {
    expect_object(v, w);
    ConsoleSize size;
    read_int(v, "height", w, size.height);
    read_int(v, "width", w, size.width);
    process.console_size = size;
  });
  with(value, "user", where, [&](const json& v, const std::string& w) { process.user = parse_user(v, w); });
  read_strings(value, "args", where, process.args);
  read_strings(value, "env", where, process.env);
  read_string(value, "cwd", where, process.cwd);
  with(value, "capabilities", where,
       [&](const json& v, const std::string& w) { process.capabilities = parse_capabilities(v, w); });
  with(value, "rlimits", where,
       [&](const json& v, const std::string& w) { process.rlimits = get_array<Rlimit>(v, w, parse_rlimit); });
  read_bool(value, "noNewPrivileges", where, process.no_new_privileges);
  read_string(value, "apparmorProfile", where, process.apparmor_profile);
  read_int(value, "oomScoreAdj", where, process.oom_score_adj);
  if (process.oom_score_adj && (*process.oom_score_adj < -1000 || *process.oom_score_adj > 1000))
    bad(where + ".oomScoreAdj", fmt::format("{} is outside -1000..1000", *process.oom_score_adj));
  read_string(value, "selinuxLabel", where, process.selinux_label);
  with(value, "ioPriority", where, [&](const json& v, const std::string& w) {
    expect_object(v, w);
    IoPriority priority;
    read_string(v, "class", w, priority.io_class);
    static const std::set<std::string> classes{"IOPRIO_CLASS_RT", "IOPRIO_CLASS_BE", "IOPRIO_CLASS_IDLE"};
    if (!classes.count(priority.io_class)) bad(w + ".class", fmt::format("unknown class \"{}\"", priority.io_class));
    read_int(v, "priority", w, priority.priority);
    if (priority.priority < 0 || priority.priority > 7) bad(w + ".priority", "must be 0..7");
    process.io_priority = priority;
  });
  with(value, "scheduler", where, [&](const json& v, const std::string& w) {
    expect_object(v, w);
    Scheduler scheduler;
    read_string(v, "policy", w, scheduler.policy);
    static const std::set<std::string> policies{"SCHED_OTHER", "SCHED_FIFO", "SCHED_RR",      "SCHED_BATCH",
                                                "SCHED_ISO",   "SCHED_IDLE", "SCHED_DEADLINE"};
    if (!policies.count(scheduler.policy)) bad(w + ".policy", fmt::format("unknown policy \"{}\"", scheduler.policy));
    read_int(v, "nice", w, scheduler.nice);
    read_int(v, "priority", w, scheduler.priority);
    read_strings(v, "flags", w, scheduler.flags);
    read_int(v, "runtime", w, scheduler.runtime);
    read_int(v, "deadline", w, scheduler.deadline);
    read_int(v, "period", w, scheduler.period);
    process.scheduler = scheduler;
  });
  if (process.args.empty()) bad(where + ".args", "must name at least the program to run");
  require_absolute(process.cwd, where + ".cwd");
  check_path_length(process.cwd, where + ".cwd");
  return process;
}

std::vector<IdMapping> parse_id_mappings(const json& value, const std::string& where) {
  return get_array<IdMapping>(value, where, [](const json& v, const std::string& w) {
    expect_object(v, w);
    IdMapping mapping;
    read_int(v, "containerID", w, mapping.container_id);
    read_int(v, "hostID", w, mapping.host_id);
    read_int(v, "size", w, mapping.size);
    if (mapping.size == 0) bad(w + ".size", "must be at least 1");
    return mapping;
  });
}

Mount parse_mount(const json& value, const std::string& where) {
  expect_object(value, where);
  Mount mount;
  read_string(value, "destination", where, mount.destination);
  read_string(value, "source", where, mount.source);
  read_string(value, "type", where, mount.type);
  read_strings(value, "options", where, mount.options);
  with(value, "uidMappings", where,
       [&](const json& v, const std::string& w) { mount.uid_mappings = parse_id_mappings(v, w); });
  with(value, "gidMappings", where,
       [&](const json& v, const std::string& w) { mount.gid_mappings = parse_id_mappings(v, w); });
  require_absolute(mount.destination, where + ".destination");
  refuse_dot_dot(mount.destination, where + ".destination");
  check_path_length(mount.destination, where + ".destination");
  check_path_length(mount.source, where + ".source");
  return mount;
}

Hook parse_hook(const json& value, const std::string& where) {
  expect_object(value, where);
  Hook hook;
  read_string(value, "path", where, hook.path);
  require_absolute(hook.path, where + ".path");
  read_strings(value, "args", where, hook.args);
  read_strings(value, "env", where, hook.env);
  read_int(value, "timeout", where, hook.timeout);
  if (hook.timeout && *hook.timeout <= 0) bad(where + ".timeout", "must be greater than zero");
  return hook;
}

Hooks parse_hooks(const json& value, const std::string& where) {
  expect_object(value, where);
  Hooks hooks;
  auto list = [&](const char* key, std::vector<Hook>& field) {
    with(value, key, where, [&](const json& v, const std::string& w) { field = get_array<Hook>(v, w, parse_hook); });
  };
  list("prestart", hooks.prestart);
  list("createRuntime", hooks.create_runtime);
  list("createContainer", hooks.create_container);
  list("startContainer", hooks.start_container);
  list("poststart", hooks.poststart);
  list("poststop", hooks.poststop);
  return hooks;
}

NamespaceType parse_namespace_type(const std::string& name, const std::string& where) {
  for (const auto& facts : namespace_table)
    if (facts.spec_name == name) return facts.type;
  bad(where, fmt::format("unknown namespace type \"{}\"", name));
}

Device parse_device(const json& value, const std::string& where) {
  expect_object(value, where);
  Device device;
  read_string(value, "type", where, device.type);
  if (device.type != "c" && device.type != "b" && device.type != "u" && device.type != "p")
    bad(where + ".type", fmt::format("unknown device type \"{}\" (expected c, b, u or p)", device.type));
  read_string(value, "path", where, device.path);
  require_absolute(device.path, where + ".path");
  refuse_dot_dot(device.path, where + ".path");
  read_int(value, "major", where, device.major);
  read_int(value, "minor", where, device.minor);
  read_int(value, "fileMode", where, device.file_mode);
  read_int(value, "uid", where, device.uid);
  read_int(value, "gid", where, device.gid);
  return device;
}

DeviceRule parse_device_rule(const json& value, const std::string& where) {
  expect_object(value, where);
  DeviceRule rule;
  read_bool(value, "allow", where, rule.allow);
  read_string(value, "type", where, rule.type);
  if (!rule.type.empty() && rule.type != "a" && rule.type != "c" && rule.type != "b")
    bad(where + ".type", fmt::format("unknown device type \"{}\" (expected a, c or b)", rule.type));
  read_int(value, "major", where, rule.major);
  read_int(value, "minor", where, rule.minor);
  read_string(value, "access", where, rule.access);
  for (char c : rule.access)
    if (c != 'r' && c != 'w' && c != 'm')
      bad(where + ".access", fmt::format("\"{}\" is not a subset of rwm", rule.access));
  return rule;
}

template <class T>
std::vector<T> parse_block_devices(const json& value, const std::string& where, bool weight) {
  return get_array<T>(value, where, [weight](const json& v, const std::string& w) {
    expect_object(v, w);
    T device;
    read_int(v, "major", w, device.major);
    read_int(v, "minor", w, device.minor);
    if constexpr (std::is_same_v<T, WeightDevice>) {
      read_int(v, "weight", w, device.weight);
      read_int(v, "leafWeight", w, device.leaf_weight);
    } else {
      read_int(v, "rate", w, device.rate);
    }
    (void)weight;
    return device;
  });
}

Resources parse_resources_object(const json& value, const std::string& where) {
  expect_object(value, where);
  Resources resources;
  with(value, "devices", where, [&](const json& v, const std::string& w) {
    resources.devices = get_array<DeviceRule>(v, w, parse_device_rule);
  });
  with(value, "memory", where, [&](const json& v, const std::string& w) {
    expect_object(v, w);
    Memory memory;
    read_int(v, "limit", w, memory.limit);
    read_int(v, "reservation", w, memory.reservation);
    read_int(v, "swap", w, memory.swap);
    read_int(v, "kernel", w, memory.kernel);
    read_int(v, "kernelTCP", w, memory.kernel_tcp);
    read_int(v, "swappiness", w, memory.swappiness);
    if (memory.swappiness && *memory.swappiness > 100) bad(w + ".swappiness", "must be 0..100");
    read_bool(v, "disableOOMKiller", w, memory.disable_oom_killer);
    read_bool(v, "useHierarchy", w, memory.use_hierarchy);
    read_bool(v, "checkBeforeUpdate", w, memory.check_before_update);
    resources.memory = memory;
  });
  with(value, "cpu", where, [&](const json& v, const std::string& w) {
    expect_object(v, w);
    Cpu cpu;
    read_int(v, "shares", w, cpu.shares);
    read_int(v, "quota", w, cpu.quota);
    read_int(v, "burst", w, cpu.burst);
    read_int(v, "period", w, cpu.period);
    read_int(v, "realtimeRuntime", w, cpu.realtime_runtime);
    read_int(v, "realtimePeriod", w, cpu.realtime_period);
    read_string(v, "cpus", w, cpu.cpus);
    read_string(v, "mems", w, cpu.mems);
    read_int(v, "idle", w, cpu.idle);
    resources.cpu = cpu;
  });
  with(value, "pids", where, [&](const json& v, const std::string& w) {
    expect_object(v, w);
    Pids pids;
    read_int(v, "limit", w, pids.limit);
    resources.pids = pids;
  });
  with(value, "blockIO", where, [&](const json& v, const std::string& w) {
    expect_object(v, w);
    BlockIo io;
    read_int(v, "weight", w, io.weight);
    read_int(v, "leafWeight", w, io.leaf_weight);
    with(v, "weightDevice", w, [&](const json& d, const std::string& dw) {
      io.weight_device = parse_block_devices<WeightDevice>(d, dw, true);
    });
    auto throttle = [&](const char* key, std::vector<ThrottleDevice>& field) {
      with(v, key, w,
           [&](const json& d, const std::string& dw) { field = parse_block_devices<ThrottleDevice>(d, dw, false); });
    };
    throttle("throttleReadBpsDevice", io.throttle_read_bps_device);
    throttle("throttleWriteBpsDevice", io.throttle_write_bps_device);
    throttle("throttleReadIOPSDevice", io.throttle_read_iops_device);
    throttle("throttleWriteIOPSDevice", io.throttle_write_iops_device);
    resources.block_io = io;
  });
  with(value, "hugepageLimits", where, [&](const json& v, const std::string& w) {
    resources.hugepage_limits = get_array<HugepageLimit>(v, w, [](const json& h, const std::string& hw) {
      expect_object(h, hw);
      HugepageLimit limit;
      read_string(h, "pageSize", hw, limit.page_size);
      read_int(h, "limit", hw, limit.limit);
      return limit;
    });
  });
  with(value, "network", where, [&](const json& v, const std::string& w) {
    expect_object(v, w);
    NetworkResources network;
    read_int(v, "classID", w, network.class_id);
    with(v, "priorities", w, [&](const json& p, const std::string& pw) {
      network.priorities = get_array<std::pair<std::string, uint32_t>>(p, pw, [](const json& i, const std::string& iw) {
        expect_object(i, iw);
        std::pair<std::string, uint32_t> priority;
        read_string(i, "name", iw, priority.first);
        read_int(i, "priority", iw, priority.second);
        return priority;
      });
    });
    resources.network = network;
  });
  with(value, "unified", where, [&](const json& v, const std::string& w) {
    resources.unified = get_string_map(v, w);
    for (auto& [key, ignored] : resources.unified)
      if (key.find('/') != std::string::npos || key == "." || key == "..")
        bad(w, fmt::format("\"{}\" is not a cgroup file name", key));
  });
  return resources;
}

Seccomp parse_seccomp(const json& value, const std::string& where) {
  expect_object(value, where);
  Seccomp seccomp;
  read_string(value, "defaultAction", where, seccomp.default_action);
  if (seccomp.default_action.empty()) bad(where + ".defaultAction", "is required");
  read_int(value, "defaultErrnoRet", where, seccomp.default_errno_ret);
  read_strings(value, "architectures", where, seccomp.architectures);
  read_strings(value, "flags", where, seccomp.flags);
  read_string(value, "listenerPath", where, seccomp.listener_path);
  read_string(value, "listenerMetadata", where, seccomp.listener_metadata);
  with(value, "syscalls", where, [&](const json& v, const std::string& w) {
    seccomp.syscalls = get_array<SeccompSyscall>(v, w, [](const json& s, const std::string& sw) {
      expect_object(s, sw);
      SeccompSyscall syscall;
      read_strings(s, "names", sw, syscall.names);
      read_string(s, "action", sw, syscall.action);
      if (syscall.action.empty()) bad(sw + ".action", "is required");
      read_int(s, "errnoRet", sw, syscall.errno_ret);
      with(s, "args", sw, [&](const json& a, const std::string& aw) {
        syscall.args = get_array<SeccompArg>(a, aw, [](const json& arg, const std::string& argw) {
          expect_object(arg, argw);
          SeccompArg parsed;
          read_int(arg, "index", argw, parsed.index);
          if (parsed.index > 5)
            bad(argw + ".index", fmt::format("{} is not a syscall argument index (0..5)", parsed.index));
          read_int(arg, "value", argw, parsed.value);
          read_int(arg, "valueTwo", argw, parsed.value_two);
          read_string(arg, "op", argw, parsed.op);
          return parsed;
        });
      });
      return syscall;
    });
  });
  return seccomp;
}

Linux parse_linux(const json& value, const std::string& where) {
  expect_object(value, where);
  Linux linux;
  with(value, "namespaces", where, [&](const json& v, const std::string& w) {
    std::set<NamespaceType> seen;
    linux.namespaces = get_array<Namespace>(v, w, [&](const json& n, const std::string& nw) {
      expect_object(n, nw);
      Namespace ns;
      std::string type;
      read_string(n, "type", nw, type);
      ns.type = parse_namespace_type(type, nw + ".type");
      if (!seen.insert(ns.type).second) bad(nw + ".type", fmt::format("namespace \"{}\" is listed twice", type));
      read_string(n, "path", nw, ns.path);
      if (!ns.path.empty()) require_absolute(ns.path, nw + ".path");
      return ns;
    });
  });
  with(value, "uidMappings", where,
       [&](const json& v, const std::string& w) { linux.uid_mappings = parse_id_mappings(v, w); });
  with(value, "gidMappings", where,
       [&](const json& v, const std::string& w) { linux.gid_mappings = parse_id_mappings(v, w); });
  with(value, "timeOffsets", where, [&](const json& v, const std::string& w) {
    expect_object(v, w);
    for (auto& [clock, offset] : v.items()) {
      if (clock != "monotonic" && clock != "boottime") bad(w, fmt::format("unknown clock \"{}\"", clock));
      expect_object(offset, w + "." + clock);
      TimeOffset parsed;
      read_int(offset, "secs", w + "." + clock, parsed.secs);
      read_int(offset, "nanosecs", w + "." + clock, parsed.nanosecs);
      linux.time_offsets[clock] = parsed;
    }
  });
  with(value, "devices", where,
       [&](const json& v, const std::string& w) { linux.devices = get_array<Device>(v, w, parse_device); });
  read_string(value, "cgroupsPath", where, linux.cgroups_path);
  refuse_dot_dot(linux.cgroups_path, where + ".cgroupsPath");
  with(value, "resources", where,
       [&](const json& v, const std::string& w) { linux.resources = parse_resources_object(v, w); });
  with(value, "sysctl", where, [&](const json& v, const std::string& w) { linux.sysctl = get_string_map(v, w); });
  with(value, "seccomp", where, [&](const json& v, const std::string& w) { linux.seccomp = parse_seccomp(v, w); });
  read_string(value, "rootfsPropagation", where, linux.rootfs_propagation);
  static const std::set<std::string> propagations{"",       "shared",   "slave",      "private",    "rshared",
                                                  "rslave", "rprivate", "unbindable", "runbindable"};
  if (!propagations.count(linux.rootfs_propagation))
    bad(where + ".rootfsPropagation", fmt::format("unknown propagation \"{}\"", linux.rootfs_propagation));
  read_strings(value, "maskedPaths", where, linux.masked_paths);
  read_strings(value, "readonlyPaths", where, linux.readonly_paths);
  for (auto& path : linux.masked_paths) require_absolute(path, where + ".maskedPaths");
  for (auto& path : linux.readonly_paths) require_absolute(path, where + ".readonlyPaths");
  read_string(value, "mountLabel", where, linux.mount_label);
  with(value, "personality", where, [&](const json& v, const std::string& w) {
    expect_object(v, w);
    Personality personality;
    read_string(v, "domain", w, personality.domain);
    if (personality.domain != "LINUX" && personality.domain != "LINUX32")
      bad(w + ".domain", fmt::format("unknown domain \"{}\" (expected LINUX or LINUX32)", personality.domain));
    read_strings(v, "flags", w, personality.flags);
    linux.personality = personality;
  });
  return linux;
}

Spec parse_spec_object(const json& value) {
  expect_object(value, "config");
  Spec spec;
  read_string(value, "ociVersion", "", spec.oci_version);
  if (spec.oci_version.empty()) bad("ociVersion", "is required");
  if (spec.oci_version.rfind("1.", 0) != 0)
    bad("ociVersion", fmt::format("\"{}\" is not supported (expected 1.0.0 to 1.2.x)", spec.oci_version));
  with(value, "process", "", [&](const json& v, const std::string& w) { spec.process = parse_process_object(v, w); });
  const json* root = member(value, "root");
  if (!root) bad("root", "is required");
  expect_object(*root, "root");
  read_string(*root, "path", "root", spec.root.path);
  if (spec.root.path.empty()) bad("root.path", "is required");
  check_path_length(spec.root.path, "root.path");
  read_bool(*root, "readonly", "root", spec.root.readonly);
  read_string(value, "hostname", "", spec.hostname);
  read_string(value, "domainname", "", spec.domainname);
  if (spec.hostname.size() > 64) bad("hostname", "is longer than 64 bytes");
  if (spec.domainname.size() > 64) bad("domainname", "is longer than 64 bytes");
  with(value, "mounts", "",
       [&](const json& v, const std::string& w) { spec.mounts = get_array<Mount>(v, w, parse_mount); });
  with(value, "hooks", "", [&](const json& v, const std::string& w) { spec.hooks = parse_hooks(v, w); });
  with(value, "annotations", "", [&](const json& v, const std::string& w) { spec.annotations = get_string_map(v, w); });
  with(value, "linux", "", [&](const json& v, const std::string& w) { spec.linux = parse_linux(v, w); });
  // A hostname needs a UTS namespace of the container's own.
  if (!spec.hostname.empty()) {
    auto* uts = spec.linux.find_namespace(NamespaceType::uts);
    if (!uts) bad("hostname", "setting a hostname requires a new uts namespace");
  }
  bool has_user_ns = spec.linux.find_namespace(NamespaceType::user) != nullptr;
  if ((!spec.linux.uid_mappings.empty() || !spec.linux.gid_mappings.empty()) && !has_user_ns)
    bad("linux.uidMappings", "mappings require a user namespace");
  return spec;
}

template <class T, class F>
Result<T> parse_guarded(std::string_view text, F parse) {
  json document = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (document.is_discarded()) {
    // Parse again with exceptions on, only to get the library's position message.
    try {
      [[maybe_unused]] json reparsed = json::parse(text);
    } catch (const json::exception& error) {  // parse_error, or out_of_range for 1e400
      return fail("invalid JSON: {}", error.what());
    }
    return fail("invalid JSON");
  }
  try {
    return parse(document);
  } catch (const FieldError& error) {
    return fail("{}", error.message);
  } catch (const json::exception& error) {
    return fail("{}", error.what());
  }
}

}  // namespace

std::string_view namespace_name(NamespaceType type) { return namespace_facts(type).spec_name; }

std::string_view namespace_proc_name(NamespaceType type) { return namespace_facts(type).proc_name; }

int namespace_clone_flag(NamespaceType type) { return namespace_facts(type).clone_flag; }

const Namespace* Linux::find_namespace(NamespaceType type) const {
  for (auto& ns : namespaces)
    if (ns.type == type) return &ns;
  return nullptr;
}

Result<Spec> parse_spec(std::string_view json_text) {
  return parse_guarded<Spec>(json_text, [](const json& document) { return parse_spec_object(document); });
}

Result<Process> parse_process(std::string_view json_text) {
  return parse_guarded<Process>(json_text,
                                [](const json& document) { return parse_process_object(document, "process"); });
}

Result<Resources> parse_resources(std::string_view json_text) {
  return parse_guarded<Resources>(json_text,
                                  [](const json& document) { return parse_resources_object(document, "resources"); });
}

}  // namespace berth::oci
