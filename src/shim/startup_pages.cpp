#include "shim/startup_pages.h"

#include <elf.h>
#include <link.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>

namespace berth::shim {
namespace {

int release_read_only_segments(dl_phdr_info* info, size_t, void* data) {
  // Only the executable: the object whose program headers the kernel passed.
  if (reinterpret_cast<uintptr_t>(info->dlpi_phdr) != ::getauxval(AT_PHDR)) return 0;
  auto page = static_cast<uintptr_t>(*static_cast<long*>(data));
  for (int index = 0; index < info->dlpi_phnum; ++index) {
    const auto& header = info->dlpi_phdr[index];
    if (header.p_type != PT_LOAD || (header.p_flags & PF_W)) continue;
    // Whole pages inside the segment only: a page it shares with a
    // writable neighbour is kept.
    uintptr_t start = (info->dlpi_addr + header.p_vaddr + page - 1) & ~(page - 1);
    uintptr_t end = (info->dlpi_addr + header.p_vaddr + header.p_memsz) & ~(page - 1);
    if (end > start) ::madvise(reinterpret_cast<void*>(start), end - start, MADV_DONTNEED);
  }
  return 1;
}

}  // namespace

void release_startup_pages() {
  long page = ::sysconf(_SC_PAGESIZE);
  if (page <= 0) return;
  ::dl_iterate_phdr(release_read_only_segments, &page);
}

}  // namespace berth::shim
