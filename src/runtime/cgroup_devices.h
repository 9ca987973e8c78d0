// Device access rules for a container's cgroup: the defaults every container
// gets (as runc grants them), the v1 devices.allow/deny text form, and the v2
// eBPF (BPF_PROG_TYPE_CGROUP_DEVICE) filter built from the same rules.
#pragma once

#include <linux/bpf.h>

#include <string>
#include <vector>

#include "base/result.h"
#include "oci/runtime_spec.h"

namespace berth::runtime {

// The spec's rules followed by runc's default allow list (null, zero, full,
// random, urandom, tty, console, ptmx, pts, and mknod of any device), which
// runc appends after the spec's rules. Empty in, empty out: no device rules
// means the device controller is left alone.
std::vector<oci::DeviceRule> effective_device_rules(const std::vector<oci::DeviceRule>& spec_rules);

// Allow rules for the device nodes a spec creates (linux.devices), so that
// callers can append them to resources.devices, as runc does.
std::vector<oci::DeviceRule> device_rules_for_nodes(const std::vector<oci::Device>& nodes);

// "c 1:3 rwm", "a *:* rwm": the form devices.allow and devices.deny accept.
Result<std::string> device_rule_v1_text(const oci::DeviceRule& rule);

// The eBPF program equivalent to applying `rules` in order to a v1 device
// cgroup: a rule that allows or denies every device resets the list; later
// rules win over earlier ones.
Result<std::vector<bpf_insn>> build_device_filter(const std::vector<oci::DeviceRule>& rules);

// Loads the filter and attaches it to the cgroup directory. Programs attached
// before (by an earlier update) are detached after the new one is in place,
// so there is no window without a filter. `fresh`: the cgroup was just
// created, so there is nothing to detach (saves the query).
Status apply_device_filter(const std::string& cgroup_dir, const std::vector<oci::DeviceRule>& rules, bool fresh);

}  // namespace berth::runtime
