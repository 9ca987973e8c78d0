#include "cli/command_env.h"

#include <sys/stat.h>

#include <ctime>
#include <system_error>

#include "base/cpu_spread.h"
#include "engine/local_image_service.h"
#include "store/store_paths.h"

namespace berth::cli {

CommandEnv::CommandEnv(Io io, EngineOptions options, ImageServiceFactory open_images, UnixClock clock)
    : io_(io), options_(std::move(options)), open_images_(std::move(open_images)), clock_(std::move(clock)) {}

CommandEnv::~CommandEnv() {
  if (opening_.joinable()) opening_.join();
}

void CommandEnv::open_images_ahead() {
  if (images_ || opening_.joinable() || !open_images_) return;
  struct stat info {};
  if (::stat(store::StorePaths{options_.root, options_.runroot}.database().c_str(), &info) != 0) return;
  // The thread reads only options_ and the factory, which nothing changes
  // until images() has joined it.
  try {
    opening_ = std::thread([this] { opened_ahead_.emplace(open_images_(options_)); });
    move_off_this_cpu(opening_);
  } catch (const std::system_error&) {
    // No thread to spare (a pids limit): images() opens in order instead.
  }
}

void CommandEnv::use_cert_dir(const std::string& dir) {
  if (opening_.joinable()) opening_.join();
  opened_ahead_.reset();  // opened with the options before this one
  options_.cert_dir = dir;
}

Result<ImageService*> CommandEnv::images() {
  if (opening_.joinable()) {
    opening_.join();
    if (opened_ahead_ && *opened_ahead_) images_ = std::move(**opened_ahead_);
    // A failed early open is tried again below, now in order: its error is
    // then reported where the command asks for the store.
    opened_ahead_.reset();
  }
  if (!images_) {
    if (!open_images_) return fail("no image service");
    BERTH_ASSIGN(images_, open_images_(options_));
  }
  return images_.get();
}

Result<volume::VolumeService*> CommandEnv::volumes() {
  if (!volumes_) {
    BERTH_ASSIGN(volumes_, volume::VolumeService::open(store::StorePaths{options_.root, options_.runroot},
                                                       EventLog(options_.runroot / "events.log").volume_sink()));
  }
  return volumes_.get();
}

Result<ContainerService*> CommandEnv::containers() {
  if (!containers_) {
    BERTH_ASSIGN(ImageService * images, this->images());
    auto* local = dynamic_cast<LocalImageService*>(images);
    if (!local) return fail("containers need the local image store");
    containers_ = std::make_unique<ContainerService>(options_, *local);
  }
  return containers_.get();
}

int64_t CommandEnv::now() const { return clock_ ? clock_() : static_cast<int64_t>(std::time(nullptr)); }

void CommandEnv::out(std::string_view text) {
  std::fwrite(text.data(), 1, text.size(), io_.out);
  std::fflush(io_.out);
}

void CommandEnv::err(std::string_view text) {
  std::fwrite(text.data(), 1, text.size(), io_.err);
  std::fflush(io_.err);
}

int CommandEnv::report(const Error& error) {
  err("Error: " + error.message + "\n");
  return 1;
}

}  // namespace berth::cli
