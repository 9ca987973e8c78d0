// Device rules shared by both cgroup versions: defaults and v1 text form.
#include "runtime/cgroup_devices.h"

namespace berth::runtime {

namespace {

oci::DeviceRule allow(const char* type, std::optional<int64_t> major, std::optional<int64_t> minor,
                      const char* access) {
  oci::DeviceRule rule;
  rule.allow = true;
  rule.type = type;
  rule.major = major;
  rule.minor = minor;
  rule.access = access;
  return rule;
}

}  // namespace

std::vector<oci::DeviceRule> effective_device_rules(const std::vector<oci::DeviceRule>& spec_rules) {
  if (spec_rules.empty()) return {};
  std::vector<oci::DeviceRule> rules = spec_rules;
  rules.push_back(allow("c", std::nullopt, std::nullopt, "m"));  // mknod of any char device
  rules.push_back(allow("b", std::nullopt, std::nullopt, "m"));  // and any block device
  rules.push_back(allow("c", 1, 3, "rwm"));                      // /dev/null
  rules.push_back(allow("c", 1, 8, "rwm"));                      // /dev/random
  rules.push_back(allow("c", 1, 7, "rwm"));                      // /dev/full
  rules.push_back(allow("c", 5, 0, "rwm"));                      // /dev/tty
  rules.push_back(allow("c", 1, 5, "rwm"));                      // /dev/zero
  rules.push_back(allow("c", 1, 9, "rwm"));                      // /dev/urandom
  rules.push_back(allow("c", 5, 1, "rwm"));                      // /dev/console
  rules.push_back(allow("c", 136, std::nullopt, "rwm"));         // /dev/pts/*
  rules.push_back(allow("c", 5, 2, "rwm"));                      // /dev/ptmx
  return rules;
}

std::vector<oci::DeviceRule> device_rules_for_nodes(const std::vector<oci::Device>& nodes) {
  std::vector<oci::DeviceRule> rules;
  for (const auto& node : nodes) {
    if (node.type != "c" && node.type != "b" && node.type != "u") continue;  // fifos need no rule
    rules.push_back(allow(node.type == "b" ? "b" : "c", node.major, node.minor, "rwm"));
  }
  return rules;
}

Result<std::string> device_rule_v1_text(const oci::DeviceRule& rule) {
  std::string type = rule.type.empty() ? "a" : rule.type;
  if (type != "a" && type != "c" && type != "b") return fail("device rule type \"{}\": must be a, c or b", rule.type);
  for (char c : rule.access)
    if (c != 'r' && c != 'w' && c != 'm') return fail("device rule access \"{}\": unknown access '{}'", rule.access, c);
  auto number = [](const std::optional<int64_t>& value) {
    return value && *value >= 0 ? std::to_string(*value) : std::string("*");
  };
  return fmt::format("{} {}:{} {}", type, number(rule.major), number(rule.minor),
                     rule.access.empty() ? "rwm" : rule.access);
}

}  // namespace berth::runtime
