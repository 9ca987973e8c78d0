// Compiled seccomp programs kept on disk, so that starting the hundredth
// container with Docker's profile costs a file read instead of libseccomp's
// ~8 ms (x86_64, x86 and x32 rules).
//
// An entry is "<dir>/seccomp-<64-bit hash>.bpf" and holds the whole key (the
// profile as canonical JSON, the libseccomp version and API level) before
// the program: a hit needs the key to match byte for byte, so a hash
// collision or a stale entry only costs a compile, never a wrong filter.
// The directory is the runtime's state root (root-only, on tmpfs), whose
// readers skip files.
#pragma once

#include <string>

#include "base/result.h"
#include "oci/runtime_spec.h"
#include "runtime/seccomp.h"

namespace berth::runtime {

// compile_seccomp, through the cache in `dir` (created if missing). An entry
// that cannot be written is left out: the compiled program is still returned.
Result<SeccompProgram> compile_seccomp_cached(const oci::Seccomp& seccomp, const std::string& dir);

}  // namespace berth::runtime
