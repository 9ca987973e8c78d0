// The libarchive functions berth calls, defined here and forwarded to
// libarchive loaded with dlopen on first use.
//
// Hand-written because no library does this: linking libarchive makes every
// berth process map it and the libraries it needs (libxml2, ICU, nettle,
// lzma, bz2, lz4, acl) and relocate them at start, about 2.5 ms per process
// on these machines, although only the image and copy commands read or
// write tar. `berth run`, `ps` or `rm` never load it now. The same is done
// for libcurl (registry/curl_loader.cpp).
//
// Each forwarder has the signature <archive.h> declares; the table is
// filled once, all or nothing. Until it is, a forwarder returns the type's
// zero (a null handle from archive_*_new), which load_libarchive() callers
// never see.
#include "image/archive_loader.h"

#include <archive.h>
#include <archive_entry.h>
#include <dlfcn.h>

#include <array>
#include <cstdarg>
#include <cstdio>
#include <mutex>
#include <string>
#include <type_traits>

#include "base/shared_library.h"

// X(return type, name, (parameters), (arguments)) for every function berth calls.
#define BERTH_ARCHIVE_FUNCTIONS(X) \
  X(time_t, archive_entry_atime, (struct archive_entry* a0), (a0)) \
  X(int, archive_entry_atime_is_set, (struct archive_entry* a0), (a0)) \
  X(long, archive_entry_atime_nsec, (struct archive_entry* a0), (a0)) \
  X(void, archive_entry_copy_pathname, (struct archive_entry* a0, const char* a1), (a0, a1)) \
  X(mode_t, archive_entry_filetype, (struct archive_entry* a0), (a0)) \
  X(void, archive_entry_free, (struct archive_entry* a0), (a0)) \
  X(la_int64_t, archive_entry_gid, (struct archive_entry* a0), (a0)) \
  X(const char*, archive_entry_hardlink, (struct archive_entry* a0), (a0)) \
  X(void, archive_entry_linkify, (struct archive_entry_linkresolver* a0, struct archive_entry** a1, struct archive_entry** a2), (a0, a1, a2)) \
  X(void, archive_entry_linkresolver_free, (struct archive_entry_linkresolver* a0), (a0)) \
  X(struct archive_entry_linkresolver*, archive_entry_linkresolver_new, (), ()) \
  X(void, archive_entry_linkresolver_set_strategy, (struct archive_entry_linkresolver* a0, int a1), (a0, a1)) \
  X(time_t, archive_entry_mtime, (struct archive_entry* a0), (a0)) \
  X(long, archive_entry_mtime_nsec, (struct archive_entry* a0), (a0)) \
  X(struct archive_entry*, archive_entry_new, (), ()) \
  X(const char*, archive_entry_pathname, (struct archive_entry* a0), (a0)) \
  X(mode_t, archive_entry_perm, (struct archive_entry* a0), (a0)) \
  X(dev_t, archive_entry_rdevmajor, (struct archive_entry* a0), (a0)) \
  X(dev_t, archive_entry_rdevminor, (struct archive_entry* a0), (a0)) \
  X(void, archive_entry_set_filetype, (struct archive_entry* a0, unsigned int a1), (a0, a1)) \
  X(void, archive_entry_set_gname, (struct archive_entry* a0, const char* a1), (a0, a1)) \
  X(void, archive_entry_set_mtime, (struct archive_entry* a0, time_t a1, long a2), (a0, a1, a2)) \
  X(void, archive_entry_set_pathname, (struct archive_entry* a0, const char* a1), (a0, a1)) \
  X(void, archive_entry_set_perm, (struct archive_entry* a0, mode_t a1), (a0, a1)) \
  X(void, archive_entry_set_size, (struct archive_entry* a0, la_int64_t a1), (a0, a1)) \
  X(void, archive_entry_set_uname, (struct archive_entry* a0, const char* a1), (a0, a1)) \
  X(la_int64_t, archive_entry_size, (struct archive_entry* a0), (a0)) \
  X(int, archive_entry_size_is_set, (struct archive_entry* a0), (a0)) \
  X(const struct stat*, archive_entry_stat, (struct archive_entry* a0), (a0)) \
  X(const char*, archive_entry_symlink, (struct archive_entry* a0), (a0)) \
  X(la_int64_t, archive_entry_uid, (struct archive_entry* a0), (a0)) \
  X(void, archive_entry_unset_atime, (struct archive_entry* a0), (a0)) \
  X(void, archive_entry_unset_birthtime, (struct archive_entry* a0), (a0)) \
  X(void, archive_entry_unset_ctime, (struct archive_entry* a0), (a0)) \
  X(void, archive_entry_xattr_add_entry, (struct archive_entry* a0, const char* a1, const void* a2, size_t a3), (a0, a1, a2, a3)) \
  X(void, archive_entry_xattr_clear, (struct archive_entry* a0), (a0)) \
  X(int, archive_entry_xattr_next, (struct archive_entry* a0, const char** a1, const void** a2, size_t* a3), (a0, a1, a2, a3)) \
  X(int, archive_entry_xattr_reset, (struct archive_entry* a0), (a0)) \
  X(int, archive_errno, (struct archive* a0), (a0)) \
  X(const char*, archive_error_string, (struct archive* a0), (a0)) \
  X(int, archive_format, (struct archive* a0), (a0)) \
  X(int, archive_read_data_block, (struct archive* a0, const void** a1, size_t* a2, la_int64_t* a3), (a0, a1, a2, a3)) \
  X(int, archive_read_disk_descend, (struct archive* a0), (a0)) \
  X(struct archive*, archive_read_disk_new, (), ()) \
  X(int, archive_read_disk_open, (struct archive* a0, const char* a1), (a0, a1)) \
  X(int, archive_read_disk_set_behavior, (struct archive* a0, int a1), (a0, a1)) \
  X(int, archive_read_disk_set_symlink_hybrid, (struct archive* a0), (a0)) \
  X(int, archive_read_disk_set_symlink_physical, (struct archive* a0), (a0)) \
  X(int, archive_read_free, (struct archive* a0), (a0)) \
  X(struct archive*, archive_read_new, (), ()) \
  X(int, archive_read_next_header, (struct archive* a0, struct archive_entry** a1), (a0, a1)) \
  X(int, archive_read_next_header2, (struct archive* a0, struct archive_entry* a1), (a0, a1)) \
  X(int, archive_read_open, (struct archive* a0, void* a1, archive_open_callback* a2, archive_read_callback* a3, archive_close_callback* a4), (a0, a1, a2, a3, a4)) \
  X(int, archive_read_support_format_empty, (struct archive* a0), (a0)) \
  X(int, archive_read_support_format_tar, (struct archive* a0), (a0)) \
  X(int, archive_write_close, (struct archive* a0), (a0)) \
  X(la_ssize_t, archive_write_data, (struct archive* a0, const void* a1, size_t a2), (a0, a1, a2)) \
  X(int, archive_write_free, (struct archive* a0), (a0)) \
  X(int, archive_write_header, (struct archive* a0, struct archive_entry* a1), (a0, a1)) \
  X(struct archive*, archive_write_new, (), ()) \
  X(int, archive_write_open2, (struct archive* a0, void* a1, archive_open_callback* a2, archive_write_callback* a3, archive_close_callback* a4, archive_free_callback* a5), (a0, a1, a2, a3, a4, a5)) \
  X(int, archive_write_open_fd, (struct archive* a0, int a1), (a0, a1)) \
  X(int, archive_write_set_bytes_in_last_block, (struct archive* a0, int a1), (a0, a1)) \
  X(int, archive_write_set_format_pax_restricted, (struct archive* a0), (a0))

namespace berth {

namespace {

enum class Slot : size_t {
#define BERTH_SLOT(ret, name, params, args) name,
  BERTH_ARCHIVE_FUNCTIONS(BERTH_SLOT)
#undef BERTH_SLOT
      archive_set_error,
  count
};

constexpr std::array kNames = {
#define BERTH_NAME(ret, name, params, args) #name,
    BERTH_ARCHIVE_FUNCTIONS(BERTH_NAME)
#undef BERTH_NAME
        "archive_set_error",
};
static_assert(kNames.size() == static_cast<size_t>(Slot::count));

struct Library {
  std::array<void*, static_cast<size_t>(Slot::count)> addresses{};
  std::string error;  // why loading failed; empty when loaded
};

Library load() {
  Library library;
  auto opened = open_shared_library(kLibarchiveSoname);
  if (!opened) {
    library.error = opened.error().message;
    return library;
  }
  void* handle = *opened;
  std::array<void*, static_cast<size_t>(Slot::count)> found{};
  for (size_t index = 0; index < kNames.size(); ++index) {
    found[index] = ::dlsym(handle, kNames[index]);
    if (!found[index]) {
      library.error = std::string(kLibarchiveSoname) + " has no " + kNames[index];
      return library;
    }
  }
  library.addresses = found;
  return library;
}

const Library& library() {
  static const Library loaded = load();  // thread-safe, once
  return loaded;
}

template <class Function, class... Args>
auto forward(Slot slot, Args... args) {
  using Return = std::invoke_result_t<Function, Args...>;
  auto target = reinterpret_cast<Function>(library().addresses[static_cast<size_t>(slot)]);
  if (!target) {
    if constexpr (std::is_void_v<Return>) {
      return;
    } else {
      return Return{};
    }
  } else {
    return target(args...);
  }
}

}  // namespace

Status load_libarchive() {
  if (const auto& error = library().error; !error.empty()) return fail("{}", error);
  return {};
}

}  // namespace berth

#define BERTH_MORE_ARGS(...) __VA_OPT__(, ) __VA_ARGS__
#define BERTH_FORWARDER(ret, name, params, args) \
  extern "C" ret name params { return berth::forward<decltype(&::name)>(berth::Slot::name BERTH_MORE_ARGS args); }
BERTH_ARCHIVE_FUNCTIONS(BERTH_FORWARDER)
#undef BERTH_FORWARDER
#undef BERTH_MORE_ARGS

// Variadic as printf: formatted here, passed on as "%s".
extern "C" void archive_set_error(struct archive* a, int error, const char* format, ...) {
  using Function = void (*)(struct archive*, int, const char*, ...);
  auto target = reinterpret_cast<Function>(berth::library().addresses[static_cast<size_t>(berth::Slot::archive_set_error)]);
  if (!target) return;
  if (format == nullptr) {  // libarchive's "clear the error"
    target(a, error, nullptr);
    return;
  }
  char message[1024];
  va_list list;
  va_start(list, format);
  std::vsnprintf(message, sizeof message, format, list);
  va_end(list);
  target(a, error, "%s", message);
}
