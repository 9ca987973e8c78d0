// A shared library loaded on first use (libcurl, libarchive): most berth
// commands never need it, and mapping it costs every process that does not.
#pragma once

#include "base/result.h"

namespace berth {

// dlopen(soname, RTLD_NOW | RTLD_LOCAL). Never closed: what the library made
// may live until the process ends. The error names the library and why.
Result<void*> open_shared_library(const char* soname);

}  // namespace berth
