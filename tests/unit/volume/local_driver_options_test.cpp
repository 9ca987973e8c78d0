#include "volume/local_driver_options.h"

#include <gtest/gtest.h>
#include <sys/mount.h>

namespace berth::volume {
namespace {

TEST(LocalDriverOptions, NoOptionsIsAPlainDirectory) {
  auto spec = parse_local_options({});
  ASSERT_TRUE(spec) << spec.error().message;
  EXPECT_EQ(spec->kind, LocalVolumeKind::directory);
}

TEST(LocalDriverOptions, TmpfsSplitsFlagsFromFilesystemData) {
  auto spec = parse_local_options({{"type", "tmpfs"}, {"device", "tmpfs"}, {"o", "size=100m,uid=1000,noexec,ro"}});
  ASSERT_TRUE(spec) << spec.error().message;
  EXPECT_EQ(spec->kind, LocalVolumeKind::mount);
  EXPECT_EQ(spec->type, "tmpfs");
  EXPECT_EQ(spec->device, "tmpfs");
  EXPECT_EQ(spec->data, "size=100m,uid=1000");
  EXPECT_EQ(spec->flags, static_cast<unsigned long>(MS_NOEXEC | MS_RDONLY));
  EXPECT_TRUE(spec->read_only);
}

TEST(LocalDriverOptions, BindNeedsAnAbsoluteDevice) {
  auto spec = parse_local_options({{"type", "none"}, {"device", "/srv/data"}, {"o", "bind,ro"}});
  ASSERT_TRUE(spec) << spec.error().message;
  EXPECT_EQ(spec->kind, LocalVolumeKind::bind);
  EXPECT_TRUE(spec->read_only);
  auto relative = parse_local_options({{"type", "none"}, {"device", "srv/data"}, {"o", "bind"}});
  ASSERT_FALSE(relative);
  EXPECT_NE(relative.error().message.find("absolute path"), std::string::npos);
  auto no_bind = parse_local_options({{"type", "none"}, {"device", "/srv/data"}});
  ASSERT_FALSE(no_bind);
  EXPECT_NE(no_bind.error().message.find("o=bind"), std::string::npos);
}

TEST(LocalDriverOptions, RejectsWhatDockerRejectsInItsWords) {
  struct Case {
    DriverOptions options;
    const char* message;
  };
  for (const Case& c : std::initializer_list<Case>{
           {{{"bogus", "1"}}, "invalid option: \"bogus\""},
           {{{"type", "tmpfs"}}, "missing required option: \"device\""},
           {{{"device", "tmpfs"}}, "missing required option: \"type\""},
           {{{"o", "size=1m"}}, "missing required option: \"device\""},
           {{{"o", "size=1m"}, {"device", "tmpfs"}}, "missing required option: \"type\""},
           {{{"size", "10G"}}, "quota size requested but no quota support"},
           {{{"type", ""}, {"device", "x"}}, "invalid option: type must not be empty"},
           {{{"type", "tmpfs"}, {"device", ""}}, "invalid option: device must not be empty"},
           {{{"type", "ext4"}, {"device", "/dev/x"}, {"o", "remount"}},
            "invalid option: o=remount is not supported for a volume"},
       }) {
    auto spec = parse_local_options(c.options);
    ASSERT_FALSE(spec) << c.message;
    EXPECT_EQ(spec.error().message, c.message);
  }
}

}  // namespace
}  // namespace berth::volume
