#include "engine/image_changes.h"

#include <gtest/gtest.h>

using berth::apply_config_change;
using nlohmann::json;

TEST(ImageChanges, CommandForms) {
  json config = json::object();
  ASSERT_TRUE(apply_config_change(config, R"(CMD ["sh", "-c", "echo hi"])"));
  EXPECT_EQ(config["Cmd"], json({"sh", "-c", "echo hi"}));
  ASSERT_TRUE(apply_config_change(config, "entrypoint echo hello"));
  EXPECT_EQ(config["Entrypoint"], json({"/bin/sh", "-c", "echo hello"}));
}

TEST(ImageChanges, EnvLabelsPortsVolumes) {
  json config = json::object();
  ASSERT_TRUE(apply_config_change(config, R"(ENV A=1 B="two words")"));
  ASSERT_TRUE(apply_config_change(config, "ENV A=3"));
  ASSERT_TRUE(apply_config_change(config, "ENV LEGACY some value"));
  EXPECT_EQ(config["Env"], json({"A=3", "B=two words", "LEGACY=some value"}));
  ASSERT_TRUE(apply_config_change(config, "LABEL org.x=y"));
  EXPECT_EQ(config["Labels"]["org.x"], "y");
  ASSERT_TRUE(apply_config_change(config, "EXPOSE 80 53/udp"));
  EXPECT_TRUE(config["ExposedPorts"].contains("80/tcp"));
  EXPECT_TRUE(config["ExposedPorts"].contains("53/udp"));
  ASSERT_TRUE(apply_config_change(config, R"(VOLUME ["/data"])"));
  ASSERT_TRUE(apply_config_change(config, "VOLUME /a /b"));
  EXPECT_EQ(config["Volumes"].size(), 3u);
  ASSERT_TRUE(apply_config_change(config, "WORKDIR /srv"));
  ASSERT_TRUE(apply_config_change(config, "USER nobody"));
  EXPECT_EQ(config["WorkingDir"], "/srv");
  EXPECT_EQ(config["User"], "nobody");
}

TEST(ImageChanges, RejectsBadInstructions) {
  json config = json::object();
  auto run = apply_config_change(config, "RUN rm -rf /");
  ASSERT_FALSE(run);
  EXPECT_NE(run.error().message.find("RUN is not a valid change command"), std::string::npos);
  EXPECT_FALSE(apply_config_change(config, "EXPOSE 80 99999"));
  EXPECT_FALSE(apply_config_change(config, "EXPOSE 80/icmp"));
  EXPECT_FALSE(apply_config_change(config, "LABEL novalue"));
  EXPECT_FALSE(apply_config_change(config, "ENV A=\"unterminated"));
  EXPECT_FALSE(apply_config_change(config, "CMD"));
  EXPECT_FALSE(apply_config_change(config, ""));
  EXPECT_EQ(config, json::object());  // nothing half-applied
}
