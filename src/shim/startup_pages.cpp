#include "shim/startup_pages.h"

#include <elf.h>
#include <link.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>

namespace berth::shim {
namespace {

int release_read_only_segments(dl_phdr_info* info, size_t, void* data) {
  auto page = static_cast<uintptr_t>(*static_cast<long*>(data));
  for (int index = 0; index < info->dlpi_phnum; ++index) {
    const auto& header = info->dlpi_phdr[index];
    if (header.p_type != PT_LOAD || (header.p_flags & PF_W)) continue;
    uintptr_t start = (info->dlpi_addr + header.p_vaddr) & ~(page - 1);
    uintptr_t end = (info->dlpi_addr + header.p_vaddr + header.p_memsz + page - 1) & ~(page - 1);
    ::madvise(reinterpret_cast<void*>(start), end - start, MADV_DONTNEED);
  }
  return 1;  // the first object is the executable itself: stop there
}

}  // namespace

void release_startup_pages() {
  long page = ::sysconf(_SC_PAGESIZE);
  if (page <= 0) return;
  ::dl_iterate_phdr(release_read_only_segments, &page);
}

}  // namespace berth::shim
