#include "base/shared_library.h"

#include <dlfcn.h>

namespace berth {

Result<void*> open_shared_library(const char* soname) {
  void* handle = ::dlopen(soname, RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    const char* why = ::dlerror();
    return fail("load {}: {}", soname, why ? why : "unknown error");
  }
  return handle;
}

}  // namespace berth
