#include "runtime/state_json.h"

namespace berth::runtime {

using nlohmann::json;

namespace {

json spec_state(const ContainerState& state, ContainerStatus status) {
  json document{
      {"ociVersion", oci_version}, {"id", state.id}, {"status", status_name(status)}, {"bundle", state.bundle}};
  if (status != ContainerStatus::stopped) document["pid"] = state.pid;
  if (!state.annotations.empty()) document["annotations"] = state.annotations;
  return document;
}

}  // namespace

std::string hook_state_json(const ContainerState& state, ContainerStatus status, const oci::Seccomp* seccomp) {
  if (!seccomp) return spec_state(state, status).dump();
  json document{{"ociVersion", oci_version},
                {"fds", json::array({"seccompFd"})},
                {"pid", state.pid},
                {"metadata", seccomp->listener_metadata},
                {"state", spec_state(state, status)}};
  return document.dump();
}

json state_command_json(const ContainerState& state, ContainerStatus status) {
  json document{{"ociVersion", oci_version},
                {"id", state.id},
                {"pid", status == ContainerStatus::stopped ? 0 : state.pid},
                {"status", status_name(status)},
                {"bundle", state.bundle},
                {"rootfs", state.rootfs},
                {"created", state.created},
                {"owner", state.owner}};
  if (!state.annotations.empty()) document["annotations"] = state.annotations;
  return document;
}

}  // namespace berth::runtime
