#include <gtest/gtest.h>

#include "store/metadata_store.h"
#include "store_test_support.h"

namespace berth::store {
namespace {

class ContainerRows : public testing::StoreTest {
 protected:
  void SetUp() override {
    testing::StoreTest::SetUp();
    auto opened = MetadataStore::open(paths_);
    ASSERT_TRUE(opened) << opened.error().message;
    store_.emplace(std::move(*opened));
  }

  static ContainerRow row(char id_digit, std::string name, int64_t created = 1) {
    ContainerRow container;
    container.id = std::string(64, id_digit);
    container.name = std::move(name);
    container.image_id = Digest::of("image");
    container.image_name = "busybox";
    container.created_unix_nano = created;
    container.config_json = R"({"Image":"busybox"})";
    container.host_config_json = "{}";
    container.state_json = R"({"Status":"created"})";
    return container;
  }

  std::optional<MetadataStore> store_;
};

TEST_F(ContainerRows, RoundTripAndLookupByIdNameAndPrefix) {
  ASSERT_TRUE(store_->put_container(row('a', "web")));
  auto by_id = store_->find_container(std::string(64, 'a'));
  ASSERT_TRUE(by_id && *by_id);
  EXPECT_EQ((*by_id)->name, "web");
  EXPECT_EQ((*by_id)->image_id, Digest::of("image"));
  EXPECT_EQ((*by_id)->config_json, R"({"Image":"busybox"})");
  for (std::string key : {"web", "/web", "aaa", "a"}) {
    auto found = store_->find_container(key);
    ASSERT_TRUE(found) << found.error().message;
    ASSERT_TRUE(*found) << key;
    EXPECT_EQ((*found)->id, std::string(64, 'a')) << key;
  }
  for (std::string key : {"", "b", "web2", "A", "aag"}) {
    auto found = store_->find_container(key);
    ASSERT_TRUE(found) << found.error().message;
    EXPECT_FALSE(*found) << key;
  }
}

TEST_F(ContainerRows, ANameBeatsAnIdPrefixAndAmbiguousPrefixesAreErrors) {
  ASSERT_TRUE(store_->put_container(row('a', "first", 1)));
  auto second = row('a', "second", 2);
  second.id[63] = 'b';
  ASSERT_TRUE(store_->put_container(second));
  ASSERT_TRUE(store_->put_container(row('c', "aaaa", 3)));
  auto named = store_->find_container("aaaa");
  ASSERT_TRUE(named && *named);
  EXPECT_EQ((*named)->name, "aaaa");
  auto ambiguous = store_->find_container("aaa");
  ASSERT_FALSE(ambiguous);
  EXPECT_EQ(ambiguous.error().message, "Multiple IDs found with provided prefix: aaa");
  auto listed = store_->list_containers();
  ASSERT_TRUE(listed);
  ASSERT_EQ(listed->size(), 3u);
  EXPECT_EQ((*listed)[0].name, "aaaa");  // newest first
  EXPECT_EQ((*listed)[2].name, "first");
}

TEST_F(ContainerRows, ATakenNameIsDockersConflictAndChangesNothing) {
  ASSERT_TRUE(store_->put_container(row('a', "web")));
  auto again = store_->put_container(row('b', "web"));
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().errno_value, EEXIST);
  EXPECT_EQ(again.error().message,
            "Conflict. The container name \"/web\" is already in use by container \"" + std::string(64, 'a') +
                "\". You have to remove (or rename) that container to be able to reuse that name.");
  auto listed = store_->list_containers();
  ASSERT_TRUE(listed);
  EXPECT_EQ(listed->size(), 1u);
  ASSERT_TRUE(store_->put_container(row('b', "db")));
  auto renamed = store_->rename_container(std::string(64, 'b'), "web");
  ASSERT_FALSE(renamed);
  EXPECT_EQ(renamed.error().errno_value, EEXIST);
  ASSERT_TRUE(store_->rename_container(std::string(64, 'b'), "cache"));
  auto found = store_->find_container("cache");
  ASSERT_TRUE(found && *found);
}

TEST_F(ContainerRows, BadIdsAreRefusedAndStateUpdatesNeedARow) {
  auto bad = row('a', "x");
  bad.id = "../../etc";
  EXPECT_FALSE(store_->put_container(bad));
  bad.id = std::string(64, 'G');
  EXPECT_FALSE(store_->put_container(bad));
  auto missing = store_->update_container_state(std::string(64, 'f'), "{}");
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("No such container"), std::string::npos);
}

TEST_F(ContainerRows, StateUpdatesRemovalAndImageUse) {
  ASSERT_TRUE(store_->put_container(row('a', "web")));
  ASSERT_TRUE(store_->update_container_state(std::string(64, 'a'), R"({"Status":"running"})"));
  auto found = store_->get_container(std::string(64, 'a'));
  ASSERT_TRUE(found && *found);
  EXPECT_EQ((*found)->state_json, R"({"Status":"running"})");
  auto users = store_->containers_using_image(Digest::of("image"));
  ASSERT_TRUE(users);
  EXPECT_EQ(*users, std::vector<std::string>{std::string(64, 'a')});
  auto removed = store_->remove_container_row(std::string(64, 'a'));
  ASSERT_TRUE(removed);
  EXPECT_TRUE(*removed);
  removed = store_->remove_container_row(std::string(64, 'a'));
  ASSERT_TRUE(removed);
  EXPECT_FALSE(*removed);
}

TEST_F(ContainerRows, RemovalWithReferencesDropsTheRowAndOnlyItsReferences) {
  ASSERT_TRUE(store_->put_container(row('a', "web")));
  ASSERT_TRUE(store_->put_container(row('b', "db")));
  VolumeRecord volume;
  volume.name = "data";
  volume.driver = "local";
  ASSERT_TRUE(store_->put_volume(volume));
  // A crash between taking a reference and saving the container's record
  // leaves such a reference behind.
  ASSERT_TRUE(store_->add_volume_reference("data", std::string(64, 'a')));
  ASSERT_TRUE(store_->add_volume_reference("data", std::string(64, 'b')));
  auto removed = store_->remove_container_row_and_references(std::string(64, 'a'));
  ASSERT_TRUE(removed) << removed.error().message;
  EXPECT_TRUE(*removed);
  auto found = store_->get_container(std::string(64, 'a'));
  ASSERT_TRUE(found);
  EXPECT_FALSE(*found);
  auto users = store_->volume_references("data");
  ASSERT_TRUE(users);
  EXPECT_EQ(*users, std::vector<std::string>{std::string(64, 'b')});
  removed = store_->remove_container_row_and_references(std::string(64, 'a'));
  ASSERT_TRUE(removed);
  EXPECT_FALSE(*removed);
}

}  // namespace
}  // namespace berth::store
