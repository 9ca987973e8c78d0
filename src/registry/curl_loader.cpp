// The libcurl functions berth calls, defined here and forwarded to libcurl
// loaded with dlopen on first use.
//
// Hand-written because no library does this: linking libcurl makes every
// berth command map libcurl and the ~35 libraries it needs (GnuTLS, Kerberos,
// LDAP, libssh2, …) and resolve their symbols at start, ~6 ms per process on
// these machines, although only registry commands talk HTTP. With these
// definitions the rest of the code calls curl_* as usual, and `berth run`
// or `berth ps` never load it.
//
// curl_easy_setopt, curl_share_setopt and curl_easy_getinfo are variadic
// with exactly one argument after the option: a long, a pointer or a
// curl_off_t. On the 64-bit ABIs berth supports (x86_64, aarch64) all three
// travel in one general-purpose register, so reading it as a uintptr_t and
// passing it on is exact.
#define CURL_DISABLE_TYPECHECK 1  // the type-checking macros would hide our definitions
#include "registry/curl_loader.h"

#include <curl/curl.h>
#include <dlfcn.h>

#include <cstdarg>
#include <cstdint>
#include <mutex>

#include "base/shared_library.h"

static_assert(sizeof(long) == sizeof(uintptr_t) && sizeof(void*) == sizeof(uintptr_t) &&
                  sizeof(curl_off_t) == sizeof(uintptr_t),
              "the variadic forwarding below assumes 64-bit longs, pointers and curl_off_t");

namespace berth {

namespace {

struct CurlFunctions {
  decltype(&curl_global_init) global_init = nullptr;
  decltype(&curl_global_cleanup) global_cleanup = nullptr;
  decltype(&curl_easy_init) easy_init = nullptr;
  decltype(&curl_easy_cleanup) easy_cleanup = nullptr;
  decltype(&curl_easy_perform) easy_perform = nullptr;
  decltype(&curl_easy_strerror) easy_strerror = nullptr;
  CURLcode (*easy_setopt)(CURL*, CURLoption, ...) = nullptr;
  CURLcode (*easy_getinfo)(CURL*, CURLINFO, ...) = nullptr;
  decltype(&curl_share_init) share_init = nullptr;
  decltype(&curl_share_cleanup) share_cleanup = nullptr;
  CURLSHcode (*share_setopt)(CURLSH*, CURLSHoption, ...) = nullptr;
  decltype(&curl_slist_append) slist_append = nullptr;
  decltype(&curl_slist_free_all) slist_free_all = nullptr;
  decltype(&curl_url) url = nullptr;
  decltype(&curl_url_cleanup) url_cleanup = nullptr;
  decltype(&curl_url_set) url_set = nullptr;
  decltype(&curl_url_get) url_get = nullptr;
  decltype(&curl_url_strerror) url_strerror = nullptr;
  decltype(&curl_free) free = nullptr;
  std::string error;  // why loading failed; empty when loaded
};

template <class Function>
bool resolve(void* library, const char* name, Function& target, std::string& error) {
  target = reinterpret_cast<Function>(::dlsym(library, name));
  if (!target && error.empty()) error = std::string("libcurl has no ") + name;
  return target != nullptr;
}

CurlFunctions load() {
  CurlFunctions functions;
  auto opened = open_shared_library(kLibcurlSoname);
  if (!opened) {
    functions.error = opened.error().message;
    return functions;
  }
  void* library = *opened;
  std::string& error = functions.error;
  resolve(library, "curl_global_init", functions.global_init, error);
  resolve(library, "curl_global_cleanup", functions.global_cleanup, error);
  resolve(library, "curl_easy_init", functions.easy_init, error);
  resolve(library, "curl_easy_cleanup", functions.easy_cleanup, error);
  resolve(library, "curl_easy_perform", functions.easy_perform, error);
  resolve(library, "curl_easy_strerror", functions.easy_strerror, error);
  resolve(library, "curl_easy_setopt", functions.easy_setopt, error);
  resolve(library, "curl_easy_getinfo", functions.easy_getinfo, error);
  resolve(library, "curl_share_init", functions.share_init, error);
  resolve(library, "curl_share_cleanup", functions.share_cleanup, error);
  resolve(library, "curl_share_setopt", functions.share_setopt, error);
  resolve(library, "curl_slist_append", functions.slist_append, error);
  resolve(library, "curl_slist_free_all", functions.slist_free_all, error);
  resolve(library, "curl_url", functions.url, error);
  resolve(library, "curl_url_cleanup", functions.url_cleanup, error);
  resolve(library, "curl_url_set", functions.url_set, error);
  resolve(library, "curl_url_get", functions.url_get, error);
  resolve(library, "curl_url_strerror", functions.url_strerror, error);
  resolve(library, "curl_free", functions.free, error);
  return functions;
}

// The one process-wide copy: the library is loaded once, like a linked one,
// and is read-only after that.
const CurlFunctions& curl() {
  static const CurlFunctions functions = load();
  return functions;
}

bool usable() { return curl().error.empty(); }

uintptr_t single_argument(va_list arguments) { return va_arg(arguments, uintptr_t); }

}  // namespace

Status load_libcurl() {
  if (usable()) return {};
  return fail("{}", curl().error);
}

}  // namespace berth

using berth::curl;
using berth::usable;

extern "C" {

CURLcode curl_global_init(long flags) { return usable() ? curl().global_init(flags) : CURLE_FAILED_INIT; }
void curl_global_cleanup(void) {
  if (usable()) curl().global_cleanup();
}
CURL* curl_easy_init(void) { return usable() ? curl().easy_init() : nullptr; }
void curl_easy_cleanup(CURL* handle) {
  if (usable() && handle) curl().easy_cleanup(handle);
}
CURLcode curl_easy_perform(CURL* handle) { return usable() ? curl().easy_perform(handle) : CURLE_FAILED_INIT; }
const char* curl_easy_strerror(CURLcode code) {
  return usable() ? curl().easy_strerror(code) : "libcurl could not be loaded";
}
CURLcode curl_easy_setopt(CURL* handle, CURLoption option, ...) {
  if (!usable()) return CURLE_FAILED_INIT;
  va_list arguments;
  va_start(arguments, option);
  uintptr_t value = berth::single_argument(arguments);
  va_end(arguments);
  return curl().easy_setopt(handle, option, value);
}
CURLcode curl_easy_getinfo(CURL* handle, CURLINFO info, ...) {
  if (!usable()) return CURLE_FAILED_INIT;
  va_list arguments;
  va_start(arguments, info);
  uintptr_t value = berth::single_argument(arguments);
  va_end(arguments);
  return curl().easy_getinfo(handle, info, value);
}
CURLSH* curl_share_init(void) { return usable() ? curl().share_init() : nullptr; }
CURLSHcode curl_share_cleanup(CURLSH* share) { return usable() ? curl().share_cleanup(share) : CURLSHE_NOT_BUILT_IN; }
CURLSHcode curl_share_setopt(CURLSH* share, CURLSHoption option, ...) {
  if (!usable()) return CURLSHE_NOT_BUILT_IN;
  va_list arguments;
  va_start(arguments, option);
  uintptr_t value = berth::single_argument(arguments);
  va_end(arguments);
  return curl().share_setopt(share, option, value);
}
curl_slist* curl_slist_append(curl_slist* list, const char* text) {
  return usable() ? curl().slist_append(list, text) : nullptr;
}
void curl_slist_free_all(curl_slist* list) {
  if (usable()) curl().slist_free_all(list);
}
CURLU* curl_url(void) { return usable() ? curl().url() : nullptr; }
void curl_url_cleanup(CURLU* handle) {
  if (usable() && handle) curl().url_cleanup(handle);
}
CURLUcode curl_url_set(CURLU* handle, CURLUPart part, const char* content, unsigned int flags) {
  return usable() ? curl().url_set(handle, part, content, flags) : CURLUE_OUT_OF_MEMORY;
}
CURLUcode curl_url_get(CURLU* handle, CURLUPart part, char** content, unsigned int flags) {
  return usable() ? curl().url_get(handle, part, content, flags) : CURLUE_OUT_OF_MEMORY;
}
const char* curl_url_strerror(CURLUcode code) {
  return usable() ? curl().url_strerror(code) : "libcurl could not be loaded";
}
void curl_free(void* pointer) {
  if (usable()) curl().free(pointer);
}

}  // extern "C"
