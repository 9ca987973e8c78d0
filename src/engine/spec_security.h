// Capabilities and sysctls as Docker sets them.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "base/result.h"
#include "engine/container_config.h"

namespace berth {

// Docker's 14 default capabilities.
const std::vector<std::string>& default_capabilities();
// Every capability Berth knows (the set a privileged container gets).
const std::vector<std::string>& all_capabilities();
// Those of all_capabilities() in our own bounding set: what "privileged" and
// --cap-add ALL grant, as dockerd does (a capability we lack, such as
// CAP_SYS_RESOURCE on a restricted host, cannot be given).
const std::vector<std::string>& available_capabilities();

// Docker's TweakCapabilities: privileged → all; CapAdd "ALL" → all but
// CapDrop; CapDrop "ALL" → CapAdd only; else defaults - CapDrop + CapAdd.
// Names are case-insensitive, with or without "CAP_"; unknown ones fail:
// `unknown capability: "CAP_FOO"`.
Result<std::vector<std::string>> container_capabilities(const HostConfig& host);

// HostConfig.Sysctls checked against the container's namespaces (only
// namespaced sysctls: kernel.msg*, kernel.sem, kernel.shm*, fs.mqueue.* with
// a private IPC namespace, net.* with a network namespace of its own), merged
// over Docker's defaults for a private network namespace.
// `own_network_namespace`: a netns not shared with the host; `new_network`:
// one Berth creates (only then does Docker add its default net sysctls).
Result<std::map<std::string, std::string>> container_sysctls(const HostConfig& host, bool own_network_namespace,
                                                             bool new_network, bool host_ipc);

}  // namespace berth
