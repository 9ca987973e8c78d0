#include "base/process_start_time.h"

#include <cstdlib>
#include <string>
#include <string_view>

#include "base/file_io.h"

namespace berth {

uint64_t process_start_time(pid_t pid) {
  auto stat = read_file("/proc/" + std::to_string(pid) + "/stat");
  if (!stat) return 0;
  // The command name may hold spaces and parentheses: fields start after the last ')'.
  size_t close = stat->rfind(')');
  if (close == std::string::npos) return 0;
  std::string_view rest(*stat);
  rest.remove_prefix(close + 2);
  // rest starts at field 3 (state); start time is field 22.
  if (!rest.empty() && (rest[0] == 'Z' || rest[0] == 'X')) return 0;
  int field = 3;
  size_t position = 0;
  while (field < 22 && position != std::string_view::npos) {
    position = rest.find(' ', position);
    if (position != std::string_view::npos) ++position;
    ++field;
  }
  if (position == std::string_view::npos) return 0;
  return std::strtoull(rest.data() + position, nullptr, 10);
}

}  // namespace berth
