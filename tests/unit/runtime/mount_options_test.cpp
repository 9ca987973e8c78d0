// Table tests for config.json mount option parsing.
#include "runtime/mount_options.h"

#include <gtest/gtest.h>
#include <sys/mount.h>

#include <string>
#include <vector>

namespace berth::runtime {
namespace {

MountOptions parse(std::vector<std::string> options) { return parse_mount_options(options); }

TEST(MountOptions, FlagTable) {
  struct Case {
    std::string option;
    unsigned long flags;
    unsigned long cleared;
  };
  std::vector<Case> cases = {
      {"ro", MS_RDONLY, 0},
      {"rw", 0, MS_RDONLY},
      {"nosuid", MS_NOSUID, 0},
      {"suid", 0, MS_NOSUID},
      {"nodev", MS_NODEV, 0},
      {"dev", 0, MS_NODEV},
      {"noexec", MS_NOEXEC, 0},
      {"exec", 0, MS_NOEXEC},
      {"sync", MS_SYNCHRONOUS, 0},
      {"async", 0, MS_SYNCHRONOUS},
      {"dirsync", MS_DIRSYNC, 0},
      {"remount", MS_REMOUNT, 0},
      {"mand", MS_MANDLOCK, 0},
      {"nomand", 0, MS_MANDLOCK},
      {"noatime", MS_NOATIME, 0},
      {"atime", 0, MS_NOATIME},
      {"nodiratime", MS_NODIRATIME, 0},
      {"diratime", 0, MS_NODIRATIME},
      {"relatime", MS_RELATIME, 0},
      {"norelatime", 0, MS_RELATIME},
      {"strictatime", MS_STRICTATIME, 0},
      {"nostrictatime", 0, MS_STRICTATIME},
      {"lazytime", MS_LAZYTIME, 0},
      {"bind", MS_BIND, 0},
      {"rbind", MS_BIND | MS_REC, 0},
      {"nosymfollow", MS_NOSYMFOLLOW, 0},
      {"defaults", 0, 0},
  };
  for (const auto& c : cases) {
    MountOptions parsed = parse({c.option});
    EXPECT_EQ(parsed.flags, c.flags) << c.option;
    EXPECT_EQ(parsed.cleared, c.cleared) << c.option;
    EXPECT_EQ(parsed.data, "") << c.option;
    EXPECT_TRUE(parsed.propagation.empty()) << c.option;
  }
}

TEST(MountOptions, LaterOptionWins) {
  MountOptions parsed = parse({"ro", "rw", "nosuid"});
  EXPECT_EQ(parsed.flags, static_cast<unsigned long>(MS_NOSUID));
  EXPECT_EQ(parsed.cleared, static_cast<unsigned long>(MS_RDONLY));
  parsed = parse({"rw", "ro"});
  EXPECT_EQ(parsed.flags, static_cast<unsigned long>(MS_RDONLY));
  EXPECT_EQ(parsed.cleared, 0ul);
}

TEST(MountOptions, UnknownOptionsBecomeData) {
  MountOptions parsed = parse({"nosuid", "mode=755", "strictatime", "size=65536k", "newinstance"});
  EXPECT_EQ(parsed.flags, static_cast<unsigned long>(MS_NOSUID | MS_STRICTATIME));
  EXPECT_EQ(parsed.data, "mode=755,size=65536k,newinstance");
  EXPECT_FALSE(parsed.is_bind());
}

TEST(MountOptions, PropagationInOrder) {
  MountOptions parsed =
      parse({"rbind", "rprivate", "shared", "slave", "runbindable", "unbindable", "rslave", "rshared", "private"});
  EXPECT_TRUE(parsed.is_bind());
  std::vector<unsigned long> expected = {MS_PRIVATE | MS_REC,    MS_SHARED,     MS_SLAVE,
                                         MS_UNBINDABLE | MS_REC, MS_UNBINDABLE, MS_SLAVE | MS_REC,
                                         MS_SHARED | MS_REC,     MS_PRIVATE};
  EXPECT_EQ(parsed.propagation, expected);
  EXPECT_EQ(parsed.flags, static_cast<unsigned long>(MS_BIND | MS_REC));
}

TEST(MountOptions, RecursiveAttributes) {
  MountOptions parsed = parse({"rbind", "rro", "rnosuid", "rnodev", "rnoexec", "rnodiratime", "rnosymfollow"});
  EXPECT_EQ(parsed.recursive_set,
            static_cast<uint64_t>(MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC |
                                  MOUNT_ATTR_NODIRATIME | MOUNT_ATTR_NOSYMFOLLOW));
  EXPECT_EQ(parsed.recursive_clear, 0u);
  EXPECT_EQ(parsed.flags, static_cast<unsigned long>(MS_BIND | MS_REC));  // r* do not leak into MS_ flags
  EXPECT_TRUE(parsed.has_recursive_attributes());

  parsed = parse({"rro", "rrw", "rsuid", "rdev", "rexec", "rdiratime", "rsymfollow"});
  EXPECT_EQ(parsed.recursive_set, 0u);
  EXPECT_EQ(parsed.recursive_clear,
            static_cast<uint64_t>(MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC |
                                  MOUNT_ATTR_NODIRATIME | MOUNT_ATTR_NOSYMFOLLOW));
}

TEST(MountOptions, RecursiveAtimeClearsTheWholeField) {
  MountOptions parsed = parse({"rnoatime"});
  EXPECT_EQ(parsed.recursive_set, static_cast<uint64_t>(MOUNT_ATTR_NOATIME));
  EXPECT_EQ(parsed.recursive_clear, static_cast<uint64_t>(MOUNT_ATTR__ATIME));
  parsed = parse({"rnoatime", "rstrictatime"});
  EXPECT_EQ(parsed.recursive_set, static_cast<uint64_t>(MOUNT_ATTR_STRICTATIME));
  parsed = parse({"rstrictatime", "ratime"});
  EXPECT_EQ(parsed.recursive_set, 0u);  // back to relatime
  EXPECT_EQ(parsed.recursive_clear, static_cast<uint64_t>(MOUNT_ATTR__ATIME));
}

TEST(MountOptions, SpecialOptions) {
  EXPECT_TRUE(parse({"tmpcopyup"}).tmpcopyup);
  EXPECT_EQ(parse({"tmpcopyup"}).data, "");
  MountOptions idmap = parse({"bind", "idmap"});
  EXPECT_TRUE(idmap.idmap);
  EXPECT_FALSE(idmap.recursive_idmap);
  MountOptions ridmap = parse({"rbind", "ridmap"});
  EXPECT_TRUE(ridmap.idmap && ridmap.recursive_idmap);
}

TEST(MountOptions, Propagation) {
  EXPECT_EQ(*parse_propagation("rslave"), static_cast<unsigned long>(MS_SLAVE | MS_REC));
  EXPECT_EQ(*parse_propagation("shared"), static_cast<unsigned long>(MS_SHARED));
  EXPECT_EQ(*parse_propagation("runbindable"), static_cast<unsigned long>(MS_UNBINDABLE | MS_REC));
  auto bad = parse_propagation("sideways");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("sideways"), std::string::npos);
}

TEST(MountOptions, AttributesFromFlags) {
  EXPECT_EQ(mount_attributes_from_flags(MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_BIND),
            static_cast<uint64_t>(MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC));
  EXPECT_EQ(mount_attributes_from_flags(MS_NOATIME), static_cast<uint64_t>(MOUNT_ATTR_NOATIME));
  EXPECT_EQ(mount_attributes_from_flags(MS_SYNCHRONOUS), 0u);
}

}  // namespace
}  // namespace berth::runtime
