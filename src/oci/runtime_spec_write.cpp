#include "oci/runtime_spec_write.h"

namespace berth::oci {

using nlohmann::ordered_json;

namespace {

template <class T>
void put(ordered_json& out, const char* key, const std::optional<T>& value) {
  if (value) out[key] = *value;
}
void put(ordered_json& out, const char* key, const std::string& value) {
  if (!value.empty()) out[key] = value;
}
void put(ordered_json& out, const char* key, const std::vector<std::string>& value) {
  if (!value.empty()) out[key] = value;
}
void put(ordered_json& out, const char* key, const std::map<std::string, std::string>& value) {
  if (value.empty()) return;
  ordered_json object = ordered_json::object();
  for (auto& [k, v] : value) object[k] = v;
  out[key] = object;
}

ordered_json id_mappings(const std::vector<IdMapping>& mappings) {
  ordered_json out = ordered_json::array();
  for (auto& m : mappings) out.push_back({{"containerID", m.container_id}, {"hostID", m.host_id}, {"size", m.size}});
  return out;
}

ordered_json hooks_json(const std::vector<Hook>& hooks) {
  ordered_json out = ordered_json::array();
  for (auto& hook : hooks) {
    ordered_json h = {{"path", hook.path}};
    put(h, "args", hook.args);
    put(h, "env", hook.env);
    put(h, "timeout", hook.timeout);
    out.push_back(h);
  }
  return out;
}

ordered_json resources_json(const Resources& resources) {
  ordered_json out = ordered_json::object();
  if (!resources.devices.empty()) {
    ordered_json devices = ordered_json::array();
    for (auto& rule : resources.devices) {
      ordered_json r = {{"allow", rule.allow}};
      put(r, "type", rule.type);
      put(r, "major", rule.major);
      put(r, "minor", rule.minor);
      put(r, "access", rule.access);
      devices.push_back(r);
    }
    out["devices"] = devices;
  }
  if (auto& m = resources.memory) {
    ordered_json memory = ordered_json::object();
    put(memory, "limit", m->limit);
    put(memory, "reservation", m->reservation);
    put(memory, "swap", m->swap);
    put(memory, "kernel", m->kernel);
    put(memory, "kernelTCP", m->kernel_tcp);
    put(memory, "swappiness", m->swappiness);
    put(memory, "disableOOMKiller", m->disable_oom_killer);
    put(memory, "useHierarchy", m->use_hierarchy);
    put(memory, "checkBeforeUpdate", m->check_before_update);
    out["memory"] = memory;
  }
  if (auto& c = resources.cpu) {
    ordered_json cpu = ordered_json::object();
    put(cpu, "shares", c->shares);
    put(cpu, "quota", c->quota);
    put(cpu, "burst", c->burst);
    put(cpu, "period", c->period);
    put(cpu, "realtimeRuntime", c->realtime_runtime);
    put(cpu, "realtimePeriod", c->realtime_period);
    put(cpu, "cpus", c->cpus);
    put(cpu, "mems", c->mems);
    put(cpu, "idle", c->idle);
    out["cpu"] = cpu;
  }
  if (resources.pids) out["pids"] = {{"limit", resources.pids->limit}};
  if (auto& io = resources.block_io) {
    ordered_json block = ordered_json::object();
    put(block, "weight", io->weight);
    put(block, "leafWeight", io->leaf_weight);
    if (!io->weight_device.empty()) {
      ordered_json list = ordered_json::array();
      for (auto& d : io->weight_device) {
        ordered_json e = {{"major", d.major}, {"minor", d.minor}};
        put(e, "weight", d.weight);
        put(e, "leafWeight", d.leaf_weight);
        list.push_back(e);
      }
      block["weightDevice"] = list;
    }
    auto throttle = [&](const char* key, const std::vector<ThrottleDevice>& devices) {
      if (devices.empty()) return;
      ordered_json list = ordered_json::array();
      for (auto& d : devices) list.push_back({{"major", d.major}, {"minor", d.minor}, {"rate", d.rate}});
      block[key] = list;
    };
    throttle("throttleReadBpsDevice", io->throttle_read_bps_device);
    throttle("throttleWriteBpsDevice", io->throttle_write_bps_device);
    throttle("throttleReadIOPSDevice", io->throttle_read_iops_device);
    throttle("throttleWriteIOPSDevice", io->throttle_write_iops_device);
    out["blockIO"] = block;
  }
  if (!resources.hugepage_limits.empty()) {
    ordered_json list = ordered_json::array();
    for (auto& h : resources.hugepage_limits) list.push_back({{"pageSize", h.page_size}, {"limit", h.limit}});
    out["hugepageLimits"] = list;
  }
  if (auto& n = resources.network) {
    ordered_json network = ordered_json::object();
    put(network, "classID", n->class_id);
    if (!n->priorities.empty()) {
      ordered_json list = ordered_json::array();
      for (auto& [name, priority] : n->priorities) list.push_back({{"name", name}, {"priority", priority}});
      network["priorities"] = list;
    }
    out["network"] = network;
  }
  put(out, "unified", resources.unified);
  return out;
}

ordered_json seccomp_json(const Seccomp& seccomp) {
  ordered_json out = {{"defaultAction", seccomp.default_action}};
  put(out, "defaultErrnoRet", seccomp.default_errno_ret);
  put(out, "architectures", seccomp.architectures);
  put(out, "flags", seccomp.flags);
  put(out, "listenerPath", seccomp.listener_path);
  put(out, "listenerMetadata", seccomp.listener_metadata);
  if (!seccomp.syscalls.empty()) {
    ordered_json list = ordered_json::array();
    for (auto& syscall : seccomp.syscalls) {
      ordered_json s = {{"names", syscall.names}, {"action", syscall.action}};
      put(s, "errnoRet", syscall.errno_ret);
      if (!syscall.args.empty()) {
        ordered_json args = ordered_json::array();
        for (auto& arg : syscall.args)
          args.push_back({{"index", arg.index}, {"value", arg.value}, {"valueTwo", arg.value_two}, {"op", arg.op}});
        s["args"] = args;
      }
      list.push_back(s);
    }
    out["syscalls"] = list;
  }
  return out;
}

ordered_json linux_json(const Linux& linux) {
  ordered_json out = ordered_json::object();
  if (!linux.namespaces.empty()) {
    ordered_json list = ordered_json::array();
    for (auto& ns : linux.namespaces) {
      ordered_json n = {{"type", std::string(namespace_name(ns.type))}};
      put(n, "path", ns.path);
      list.push_back(n);
    }
    out["namespaces"] = list;
  }
  if (!linux.uid_mappings.empty()) out["uidMappings"] = id_mappings(linux.uid_mappings);
  if (!linux.gid_mappings.empty()) out["gidMappings"] = id_mappings(linux.gid_mappings);
  if (!linux.time_offsets.empty()) {
    ordered_json offsets = ordered_json::object();
    for (auto& [clock, offset] : linux.time_offsets)
      offsets[clock] = {{"secs", offset.secs}, {"nanosecs", offset.nanosecs}};
    out["timeOffsets"] = offsets;
  }
  if (!linux.devices.empty()) {
    ordered_json list = ordered_json::array();
    for (auto& device : linux.devices) {
      ordered_json d = {{"type", device.type}, {"path", device.path}, {"major", device.major}, {"minor", device.minor}};
      put(d, "fileMode", device.file_mode);
      put(d, "uid", device.uid);
      put(d, "gid", device.gid);
      list.push_back(d);
    }
    out["devices"] = list;
  }
  put(out, "cgroupsPath", linux.cgroups_path);
  if (linux.resources) out["resources"] = resources_json(*linux.resources);
  put(out, "sysctl", linux.sysctl);
  if (linux.seccomp) out["seccomp"] = seccomp_json(*linux.seccomp);
  put(out, "rootfsPropagation", linux.rootfs_propagation);
  put(out, "maskedPaths", linux.masked_paths);
  put(out, "readonlyPaths", linux.readonly_paths);
  put(out, "mountLabel", linux.mount_label);
  if (linux.personality) {
    ordered_json p = {{"domain", linux.personality->domain}};
    put(p, "flags", linux.personality->flags);
    out["personality"] = p;
  }
  return out;
}

}  // namespace

ordered_json process_to_json(const Process& process) {
  ordered_json out = ordered_json::object();
  out["terminal"] = process.terminal;
  if (process.console_size)
    out["consoleSize"] = {{"height", process.console_size->height}, {"width", process.console_size->width}};
  ordered_json user = {{"uid", process.user.uid}, {"gid", process.user.gid}};
  put(user, "umask", process.user.umask);
  if (!process.user.additional_gids.empty()) user["additionalGids"] = process.user.additional_gids;
  put(user, "username", process.user.username);
  out["user"] = user;
  out["args"] = process.args;
  put(out, "env", process.env);
  out["cwd"] = process.cwd;
  if (auto& caps = process.capabilities) {
    ordered_json c = ordered_json::object();
    put(c, "bounding", caps->bounding);
    put(c, "effective", caps->effective);
    put(c, "inheritable", caps->inheritable);
    put(c, "permitted", caps->permitted);
    put(c, "ambient", caps->ambient);
    out["capabilities"] = c;
  }
  if (!process.rlimits.empty()) {
    ordered_json list = ordered_json::array();
    for (auto& r : process.rlimits) list.push_back({{"type", r.type}, {"hard", r.hard}, {"soft", r.soft}});
    out["rlimits"] = list;
  }
  if (process.no_new_privileges) out["noNewPrivileges"] = true;
  put(out, "apparmorProfile", process.apparmor_profile);
  put(out, "oomScoreAdj", process.oom_score_adj);
  put(out, "selinuxLabel", process.selinux_label);
  if (process.io_priority)
    out["ioPriority"] = {{"class", process.io_priority->io_class}, {"priority", process.io_priority->priority}};
  if (auto& s = process.scheduler) {
    ordered_json scheduler = {{"policy", s->policy}};
    if (s->nice) scheduler["nice"] = s->nice;
    if (s->priority) scheduler["priority"] = s->priority;
    put(scheduler, "flags", s->flags);
    if (s->runtime) scheduler["runtime"] = s->runtime;
    if (s->deadline) scheduler["deadline"] = s->deadline;
    if (s->period) scheduler["period"] = s->period;
    out["scheduler"] = scheduler;
  }
  return out;
}

ordered_json spec_to_json(const Spec& spec) {
  ordered_json out = ordered_json::object();
  out["ociVersion"] = spec.oci_version;
  if (spec.process) out["process"] = process_to_json(*spec.process);
  out["root"] = {{"path", spec.root.path}};
  if (spec.root.readonly) out["root"]["readonly"] = true;
  put(out, "hostname", spec.hostname);
  put(out, "domainname", spec.domainname);
  ordered_json mounts = ordered_json::array();
  for (auto& mount : spec.mounts) {
    ordered_json m = {{"destination", mount.destination}};
    put(m, "type", mount.type);
    put(m, "source", mount.source);
    put(m, "options", mount.options);
    if (!mount.uid_mappings.empty()) m["uidMappings"] = id_mappings(mount.uid_mappings);
    if (!mount.gid_mappings.empty()) m["gidMappings"] = id_mappings(mount.gid_mappings);
    mounts.push_back(m);
  }
  out["mounts"] = mounts;
  ordered_json hooks = ordered_json::object();
  auto add_hooks = [&](const char* key, const std::vector<Hook>& list) {
    if (!list.empty()) hooks[key] = hooks_json(list);
  };
  add_hooks("prestart", spec.hooks.prestart);
  add_hooks("createRuntime", spec.hooks.create_runtime);
  add_hooks("createContainer", spec.hooks.create_container);
  add_hooks("startContainer", spec.hooks.start_container);
  add_hooks("poststart", spec.hooks.poststart);
  add_hooks("poststop", spec.hooks.poststop);
  if (!hooks.empty()) out["hooks"] = hooks;
  put(out, "annotations", spec.annotations);
  out["linux"] = linux_json(spec.linux);
  return out;
}

std::string write_spec(const Spec& spec) { return spec_to_json(spec).dump(2) + "\n"; }

}  // namespace berth::oci
