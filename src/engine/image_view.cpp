#include "engine/image_view.h"

#include <fcntl.h>
#include <sys/mount.h>

#include <fmt/format.h>

namespace berth {

namespace {

Result<ImageView> mount_overlay(const std::vector<std::filesystem::path>& layers, const WritableLayer* top) {
  ImageView view;
  UniqueFd context(::fsopen("overlay", FSOPEN_CLOEXEC));
  if (!context) return fail_errno(errno, "fsopen overlay");
  // "lowerdir+" (Linux 6.8) takes one layer at a time with no length limit;
  // older kernels take the joined list.
  bool appended = true;
  for (const auto& layer : layers) {  // topmost first, as lowerdir lists them
    if (::fsconfig(context.get(), FSCONFIG_SET_STRING, "lowerdir+", layer.c_str(), 0) == 0) continue;
    if (errno != EINVAL || &layer != &layers.front()) return fail_errno(errno, "overlay lowerdir+ {}", layer.string());
    appended = false;
    break;
  }
  if (!appended) {
    std::string joined;
    for (const auto& layer : layers) joined += (joined.empty() ? "" : ":") + layer.string();
    if (::fsconfig(context.get(), FSCONFIG_SET_STRING, "lowerdir", joined.c_str(), 0) != 0)
      return fail_errno(errno, "overlay lowerdir={}", joined);
  }
  if (top) {
    if (::fsconfig(context.get(), FSCONFIG_SET_STRING, "upperdir", top->upper.c_str(), 0) != 0)
      return fail_errno(errno, "overlay upperdir={}", top->upper.string());
    if (::fsconfig(context.get(), FSCONFIG_SET_STRING, "workdir", top->work.c_str(), 0) != 0)
      return fail_errno(errno, "overlay workdir={}", top->work.string());
    // As the container's own mount: the upper dir stays a plain tree.
    for (const char* option : {"index", "redirect_dir", "metacopy"})
      if (::fsconfig(context.get(), FSCONFIG_SET_STRING, option, "off", 0) != 0)
        return fail_errno(errno, "overlay {}=off", option);
  }
  if (::fsconfig(context.get(), FSCONFIG_CMD_CREATE, nullptr, nullptr, 0) != 0)
    return fail_errno(errno, "create the image's overlay");
  view.mount.reset(::fsmount(context.get(), FSMOUNT_CLOEXEC, top ? 0 : MOUNT_ATTR_RDONLY));
  if (!view.mount) return fail_errno(errno, "fsmount the image's overlay");
  view.path = fmt::format("/proc/self/fd/{}", view.mount.get());
  return view;
}

}  // namespace

Result<ImageView> open_image_view(const std::vector<std::filesystem::path>& layers) {
  if (layers.empty()) return fail("an image without layers has no tree");
  if (layers.size() == 1) {
    ImageView view;
    view.path = layers.front().string();
    return view;
  }
  return mount_overlay(layers, nullptr);
}

Result<ImageView> open_writable_view(const std::vector<std::filesystem::path>& layers, const WritableLayer& top) {
  if (layers.empty()) return fail("an image without layers has no tree");
  return mount_overlay(layers, &top);
}

}  // namespace berth
