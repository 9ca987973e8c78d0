#include "cli/berth_cli.h"

int main(int argc, char** argv) { return berth::cli::berth_main(argc, argv); }
