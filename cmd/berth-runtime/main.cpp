#include "cli/runtime/runtime_cli.h"

int main(int argc, char** argv) { return berth::cli::runtime_main(argc, argv); }
