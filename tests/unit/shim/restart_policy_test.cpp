#include "shim/restart_policy.h"

#include <gtest/gtest.h>

#include "shim/berth_commands.h"

namespace berth::shim {
namespace {

TEST(RestartPolicy, Decisions) {
  EXPECT_FALSE(should_restart({RestartPolicy::no, 1, 0, 0, false}));
  EXPECT_TRUE(should_restart({RestartPolicy::always, 0, 0, 0, false}));
  EXPECT_TRUE(should_restart({RestartPolicy::unless_stopped, 0, 0, 0, false}));
  EXPECT_TRUE(should_restart({RestartPolicy::on_failure, 1, 0, 0, false}));
  EXPECT_TRUE(should_restart({RestartPolicy::on_failure, 137, 0, 50, false}));  // 0 = unlimited
  EXPECT_FALSE(should_restart({RestartPolicy::on_failure, 0, 0, 0, false}));
  EXPECT_TRUE(should_restart({RestartPolicy::on_failure, 1, 3, 2, false}));
  EXPECT_FALSE(should_restart({RestartPolicy::on_failure, 1, 3, 3, false}));
}

TEST(RestartPolicy, StopRequestedWins) {
  for (auto policy : {RestartPolicy::always, RestartPolicy::unless_stopped, RestartPolicy::on_failure})
    EXPECT_FALSE(should_restart({policy, 1, 0, 0, true}));
}

TEST(RestartPolicy, BackoffDoublesFrom100msUpTo60s) {
  EXPECT_EQ(restart_backoff(0, 0).wait_ms, 100u);
  EXPECT_EQ(restart_backoff(0, 0).next_ms, 200u);
  EXPECT_EQ(restart_backoff(100, 50).wait_ms, 100u);
  EXPECT_EQ(restart_backoff(100, 50).next_ms, 200u);
  EXPECT_EQ(restart_backoff(200, 50).next_ms, 400u);
  EXPECT_EQ(restart_backoff(51200, 50).wait_ms, 51200u);
  EXPECT_EQ(restart_backoff(51200, 50).next_ms, 60000u);  // capped
  EXPECT_EQ(restart_backoff(60000, 50).wait_ms, 60000u);
  EXPECT_EQ(restart_backoff(60000, 50).next_ms, 60000u);
  EXPECT_EQ(restart_backoff(900000, 50).wait_ms, 60000u);  // a hostile value is capped too
  uint64_t delay = 100, waited = 0;
  for (int restart = 0; restart < 20; ++restart) {
    RestartBackoff backoff = restart_backoff(delay, 1);
    EXPECT_LE(backoff.wait_ms, 60000u);
    waited += backoff.wait_ms;
    delay = backoff.next_ms;
  }
  EXPECT_EQ(delay, 60000u);
}

TEST(RestartPolicy, BackoffResetsAfterTenSecondsOfUptime) {
  EXPECT_EQ(restart_backoff(6400, 9999).wait_ms, 6400u);
  EXPECT_EQ(restart_backoff(6400, 10000).wait_ms, 100u);
  EXPECT_EQ(restart_backoff(6400, 10000).next_ms, 200u);
  EXPECT_EQ(restart_backoff(60000, 3600000).wait_ms, 100u);
}

TEST(BerthCommands, RestartAndProbeArgv) {
  ShimConfig config;
  config.id = "c0ffee";
  config.berth = "/usr/bin/berth";
  config.berth_args = {"--root", "/x"};
  EXPECT_EQ(restart_command(config, 800),
            (std::vector<std::string>{"/usr/bin/berth", "--root", "/x", "start", "--policy-restart",
                                      "--restart-delay-ms", "800", "c0ffee"}));
  EXPECT_EQ(health_probe_command(config),
            (std::vector<std::string>{"/usr/bin/berth", "--root", "/x", "container", "health-probe", "c0ffee"}));
  EXPECT_EQ(remove_command(config),
            (std::vector<std::string>{"/usr/bin/berth", "--root", "/x", "rm", "--force", "--volumes", "c0ffee"}));
}

}  // namespace
}  // namespace berth::shim
