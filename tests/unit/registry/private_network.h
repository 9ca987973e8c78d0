// Every unit_registry test runs in a network namespace of its own (house
// rule: tests that listen or speak HTTP stay on a loopback nobody else sees).
#pragma once

#include <string>

namespace berth::testing {

// Empty when this process is in its own network namespace with "lo" up;
// otherwise why not (tests that need the network skip with this reason).
const std::string& private_network_problem();

}  // namespace berth::testing

// Skips the current test unless the private network is up.
#define REQUIRE_PRIVATE_NETWORK()                                                                      \
  do {                                                                                                 \
    if (!::berth::testing::private_network_problem().empty())                                          \
      GTEST_SKIP() << "no private network namespace: " << ::berth::testing::private_network_problem(); \
  } while (0)
