// libarchive, loaded on first use rather than linked: see archive_loader.cpp.
// The rest of the code calls archive_* as declared in <archive.h>. Code that
// makes an archive object calls load_libarchive() first, so that a missing
// library is an error naming it rather than a null handle.
#pragma once

#include "base/result.h"

namespace berth {

inline constexpr char kLibarchiveSoname[] = "libarchive.so.13";

// Loads libarchive if it is not loaded yet; the error names the library and
// dlerror's reason, or the function it lacks.
Status load_libarchive();

}  // namespace berth
