#include "cli/command_env.h"

#include <ctime>

namespace berth::cli {

CommandEnv::CommandEnv(Io io, EngineOptions options, ImageServiceFactory open_images, UnixClock clock)
    : io_(io), options_(std::move(options)), open_images_(std::move(open_images)), clock_(std::move(clock)) {}

Result<ImageService*> CommandEnv::images() {
  if (!images_) {
    if (!open_images_) return fail("no image service");
    BERTH_ASSIGN(images_, open_images_(options_));
  }
  return images_.get();
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
