#include "engine/host_facts.h"

#include <linux/magic.h>
#include <sys/statfs.h>

#include <sstream>

#include "base/file_io.h"

namespace berth {

bool host_is_cgroup_v2() {
  struct statfs fs {};
  return ::statfs("/sys/fs/cgroup", &fs) == 0 && fs.f_type == CGROUP2_SUPER_MAGIC;
}

Result<uint64_t> host_memory_bytes() {
  BERTH_ASSIGN(std::string text, read_file("/proc/meminfo"));
  auto at = text.find("MemTotal:");
  if (at == std::string::npos) return fail("/proc/meminfo: no MemTotal");
  std::istringstream line(text.substr(at + 9));
  uint64_t kib = 0;
  line >> kib;
  return kib * 1024;
}

}  // namespace berth
