#include "shim/shim_loop.h"

int main(int argc, char** argv) { return berth::shim::run_shim(argc, argv); }
