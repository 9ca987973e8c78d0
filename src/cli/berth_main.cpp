#include <string>
#include <vector>

#include "cli/berth_app.h"
#include "cli/berth_cli.h"
#include "cli/terminal.h"
#include "engine/image_service.h"

namespace berth::cli {

int berth_main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  return run_berth(args, stdio_io(), engine_options_from_environment(),
                   [](const EngineOptions& options) { return ImageService::open(options); });
}

}  // namespace berth::cli
