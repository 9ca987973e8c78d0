#include "oci/seccomp_json.h"

namespace berth::oci {

using nlohmann::json;

nlohmann::json seccomp_to_json(const Seccomp& seccomp) {
  json out = {{"defaultAction", seccomp.default_action}};
  if (seccomp.default_errno_ret) out["defaultErrnoRet"] = *seccomp.default_errno_ret;
  if (!seccomp.architectures.empty()) out["architectures"] = seccomp.architectures;
  if (!seccomp.flags.empty()) out["flags"] = seccomp.flags;
  if (!seccomp.listener_path.empty()) out["listenerPath"] = seccomp.listener_path;
  if (!seccomp.listener_metadata.empty()) out["listenerMetadata"] = seccomp.listener_metadata;
  if (seccomp.syscalls.empty()) return out;
  json& syscalls = out["syscalls"] = json::array();
  for (const SeccompSyscall& rule : seccomp.syscalls) {
    json entry = {{"names", rule.names}, {"action", rule.action}};
    if (rule.errno_ret) entry["errnoRet"] = *rule.errno_ret;
    if (!rule.args.empty()) {
      json& args = entry["args"] = json::array();
      for (const SeccompArg& arg : rule.args)
        args.push_back({{"index", arg.index}, {"value", arg.value}, {"valueTwo", arg.value_two}, {"op", arg.op}});
    }
    syscalls.push_back(std::move(entry));
  }
  return out;
}

}  // namespace berth::oci
