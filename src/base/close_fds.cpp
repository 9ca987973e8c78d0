#include "base/close_fds.h"

#include <linux/close_range.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <array>

namespace berth {

void close_fds_except(std::initializer_list<int> keep) {
  std::array<unsigned, 16> kept{};
  size_t count = 0;
  for (int fd : keep)
    if (fd >= 3 && count < kept.size()) kept[count++] = static_cast<unsigned>(fd);
  std::sort(kept.begin(), kept.begin() + static_cast<long>(count));
  unsigned next = 3;  // the lowest fd not yet dealt with
  for (size_t index = 0; index < count; ++index) {
    if (kept[index] > next) ::syscall(SYS_close_range, next, kept[index] - 1, 0U);
    next = std::max(next, kept[index] + 1);
  }
  ::syscall(SYS_close_range, next, ~0U, 0U);
}

}  // namespace berth
