#include "volume/volume_name.h"

#include <gtest/gtest.h>

#include <set>

namespace berth::volume {
namespace {

TEST(VolumeName, AcceptsDockersPattern) {
  for (const char* name : {"ab", "data", "my-vol_1.2", "0x", "A.b-c_d", "9-"}) {
    auto valid = validate_volume_name(name);
    EXPECT_TRUE(valid) << name << ": " << valid.error().message;
  }
  EXPECT_TRUE(validate_volume_name(std::string(255, 'a')));
}

TEST(VolumeName, OneCharacterIsTooShortInDockersWords) {
  auto valid = validate_volume_name("a");
  ASSERT_FALSE(valid);
  EXPECT_EQ(valid.error().message, "volume name is too short, names should be at least two alphanumeric characters");
}

TEST(VolumeName, HostileNamesAreRejectedWithDockersMessage) {
  const std::string unicode = "v\xc3\xa9lo";  // "vélo"
  for (const std::string& name :
       {std::string("../x"), std::string("/abs"), std::string(""), std::string(".."), std::string("a/b"),
        std::string(".hidden"), std::string("-x"), std::string("_x"), std::string("a b"), std::string("x\n"),
        std::string("x\0y", 3), unicode, std::string("~/path"), std::string("%cd%")}) {
    auto valid = validate_volume_name(name);
    ASSERT_FALSE(valid) << "accepted: " << name;
    EXPECT_NE(valid.error().message.find("includes invalid characters for a local volume name, only "
                                         "\"[a-zA-Z0-9][a-zA-Z0-9_.-]\" are allowed. If you intended to pass a "
                                         "host directory, use absolute path"),
              std::string::npos)
        << valid.error().message;
  }
  auto quoted = validate_volume_name("../x");
  EXPECT_TRUE(quoted.error().message.starts_with("\"../x\" includes invalid characters")) << quoted.error().message;
}

TEST(VolumeName, OverlongNamesAreRejected) {
  auto valid = validate_volume_name(std::string(300, 'a'));
  ASSERT_FALSE(valid);
  EXPECT_EQ(valid.error().message, "volume name is too long (300 characters, at most 255)");
}

TEST(VolumeName, RandomNamesAre64HexAndDistinct) {
  std::set<std::string> names;
  for (int i = 0; i < 50; ++i) {
    auto name = random_volume_name();
    ASSERT_TRUE(name) << name.error().message;
    EXPECT_EQ(name->size(), 64u);
    EXPECT_EQ(name->find_first_not_of("0123456789abcdef"), std::string::npos) << *name;
    EXPECT_NE(name->substr(0, 12).find_first_not_of("0123456789"), std::string::npos) << *name;
    EXPECT_TRUE(validate_volume_name(*name));
    names.insert(*name);
  }
  EXPECT_EQ(names.size(), 50u);
}

}  // namespace
}  // namespace berth::volume
