// The berth command line's entry point: the real stdio, the engine options
// from the environment, and the local ImageService.
#pragma once

namespace berth::cli {

int berth_main(int argc, char** argv);

}  // namespace berth::cli
