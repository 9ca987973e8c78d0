// The parsers of cgroup files' text, on the formats the kernel prints.
#include "runtime/cgroup_fs.h"

#include <gtest/gtest.h>

namespace berth::runtime {
namespace {

TEST(CgroupFsTest, SumsAPerDeviceFieldOverEveryDevice) {
  const char* io_stat =
      "8:0 rbytes=4096 wbytes=100 rios=1 wios=1 dbytes=0 dios=0\n"
      "8:16 rbytes=1000 wbytes=0 rios=2 wios=0 dbytes=0 dios=0\n";
  EXPECT_EQ(cgroupfs::sum_device_field(io_stat, "rbytes="), 5096u);
  EXPECT_EQ(cgroupfs::sum_device_field(io_stat, "wbytes="), 100u);
  const char* io_service_bytes =
      "8:0 Read 4096\n8:0 Write 512\n8:0 Sync 0\n8:0 Async 4608\n8:0 Total 4608\n"
      "8:16 Read 4\n8:16 Write 0\nTotal 4612\n";
  EXPECT_EQ(cgroupfs::sum_device_field(io_service_bytes, "Read "), 4100u);
  EXPECT_EQ(cgroupfs::sum_device_field(io_service_bytes, "Write "), 512u);
  EXPECT_EQ(cgroupfs::sum_device_field("", "Read "), 0u);
  EXPECT_EQ(cgroupfs::sum_device_field("garbage\n8:0\n8:0 Read\n", "Read "), 0u);
}

}  // namespace
}  // namespace berth::runtime
