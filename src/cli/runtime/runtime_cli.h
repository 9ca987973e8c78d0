// berth-runtime's command line: runc's verbs and flags over the runtime library.
#pragma once

namespace berth::cli {

int runtime_main(int argc, char** argv);

}  // namespace berth::cli
