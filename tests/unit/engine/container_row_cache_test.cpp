#include "engine/container_row_cache.h"

#include <gtest/gtest.h>

#include "engine/container_record_json.h"

namespace berth {
namespace {

ContainerRecord sample(char id_digit, std::string hostname) {
  ContainerRecord record;
  record.id = std::string(64, id_digit);
  record.name = "web";
  record.image_id = Digest::of("image");
  record.image_name = "busybox";
  record.config.image = "busybox";
  record.config.hostname = std::move(hostname);
  record.config.labels = {{"a", "1"}};
  record.host.network_mode = "none";
  return record;
}

TEST(ContainerRowCache, GivesWhatAParseGivesAndFollowsChangedText) {
  ContainerRowCache cache;
  ContainerRecord first = sample('a', "one");
  store::ContainerRow row = row_from_record(first);
  cache.remember(row, first);

  row.state_json = R"({"Status":"running","Running":true,"Pid":42})";
  auto cached = cache.record(row);
  ASSERT_TRUE(cached) << cached.error().message;
  auto parsed = record_from_row(row);
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ(cached->config.hostname, "one");
  EXPECT_EQ(cached->config.labels, parsed->config.labels);
  EXPECT_EQ(cached->host.network_mode, "none");
  EXPECT_EQ(cached->state.pid, 42) << "the state is read from the row every time";
  EXPECT_EQ(cached->state.pid, parsed->state.pid);

  // Another text for the same container (an update) is parsed again.
  store::ContainerRow changed = row_from_record(sample('a', "two"));
  auto again = cache.record(changed);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->config.hostname, "two");

  // Another container with the same text is parsed for itself.
  store::ContainerRow other = row_from_record(sample('b', "two"));
  auto other_record = cache.record(other);
  ASSERT_TRUE(other_record);
  EXPECT_EQ(other_record->id, std::string(64, 'b'));
  EXPECT_EQ(other_record->config.hostname, "two");
}

TEST(ContainerRowCache, AStoredDocumentThatIsNotJsonIsAnErrorEvenAfterAGoodOne) {
  ContainerRowCache cache;
  store::ContainerRow row = row_from_record(sample('a', "one"));
  ASSERT_TRUE(cache.record(row));
  row.host_config_json = "{not json";
  auto broken = cache.record(row);
  ASSERT_FALSE(broken);
  EXPECT_NE(broken.error().message.find("HostConfig"), std::string::npos) << broken.error().message;
  // The good text is not remembered as parsed from the bad one.
  row.host_config_json = row_from_record(sample('a', "one")).host_config_json;
  EXPECT_TRUE(cache.record(row));

  // A bad row of another container leaves no trace that its next lookup
  // could take for its own documents (an empty text is no JSON either).
  store::ContainerRow other = row_from_record(sample('b', "two"));
  other.config_json = "{not json";
  ASSERT_FALSE(cache.record(other));
  other.config_json.clear();
  other.host_config_json.clear();
  EXPECT_FALSE(cache.record(other));
}

}  // namespace
}  // namespace berth
