#include "store/metadata_store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <thread>

#include "store/layer_store.h"
#include "store/metadata_schema.h"
#include "store_test_support.h"

namespace berth::store {
namespace {

namespace fs = std::filesystem;

// A stack of layers with proper chain ids, built from diff-id seeds.
std::vector<LayerRecord> stack(std::initializer_list<const char*> diff_seeds) {
  std::vector<LayerRecord> layers;
  std::optional<Digest> parent;
  for (const char* seed : diff_seeds) {
    LayerRecord layer;
    layer.diff_id = Digest::of(std::string("diff:") + seed);
    layer.chain_id = chain_id(parent, layer.diff_id);
    layer.parent = parent;
    layer.size = 1000 + std::string(seed).size();
    layer.blob_digest = Digest::of(std::string("blob:") + seed);
    layer.blob_media_type = "application/vnd.oci.image.layer.v1.tar+gzip";
    layer.blob_size = 500;
    parent = layer.chain_id;
    layers.push_back(layer);
  }
  return layers;
}

ImageRecord image_of(const std::string& config, const std::vector<LayerRecord>& layers) {
  ImageRecord image;
  image.config_json = config;
  image.id = Digest::of(config);
  image.manifest_digest = Digest::of("manifest for " + config);
  image.manifest_media_type = "application/vnd.oci.image.manifest.v1+json";
  for (const auto& layer : layers) image.layers.push_back(layer.chain_id);
  image.created_unix = 1700000000;
  return image;
}

class MetadataStoreTest : public testing::StoreTest {
 protected:
  void SetUp() override {
    testing::StoreTest::SetUp();
    auto opened = MetadataStore::open(paths_);
    ASSERT_TRUE(opened) << opened.error().message;
    store_.emplace(std::move(*opened));
  }

  void put_layers(const std::vector<LayerRecord>& layers) {
    for (const auto& layer : layers) {
      auto put = store_->put_layer(layer);
      ASSERT_TRUE(put) << put.error().message;
    }
  }

  // Runs one SQL query on a separate raw connection and returns the first column of the first row.
  std::string query_raw(const char* sql) {
    sqlite3* db = nullptr;
    sqlite3_open(paths_.database().c_str(), &db);
    sqlite3_stmt* statement = nullptr;
    std::string value;
    if (sqlite3_prepare_v2(db, sql, -1, &statement, nullptr) == SQLITE_OK && sqlite3_step(statement) == SQLITE_ROW &&
        sqlite3_column_text(statement, 0))
      value = reinterpret_cast<const char*>(sqlite3_column_text(statement, 0));
    sqlite3_finalize(statement);
    sqlite3_close(db);
    return value;
  }

  std::optional<MetadataStore> store_;
};

TEST_F(MetadataStoreTest, OpenCreatesAVersionedSchemaInWalMode) {
  EXPECT_EQ(query_raw("SELECT version FROM schema_version"), std::to_string(kSchemaVersion));
  EXPECT_EQ(query_raw("PRAGMA journal_mode"), "wal");
  EXPECT_EQ(query_raw("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN "
                      "('layers','images','image_layers','tags','repo_digests','image_blobs')"),
            "6");
  // Reopening an existing database is fine and changes nothing.
  auto again = MetadataStore::open(paths_);
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(query_raw("SELECT count(*) FROM schema_version"), "1");
}

// Version 3 kept containers in a WITHOUT ROWID table; version 4 moves the
// rows into a rowid table, where a ~2 KB row fits its page.
TEST_F(MetadataStoreTest, Version3ContainersMigrateIntoARowidTable) {
  store_.reset();
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(paths_.database().c_str(), &db), SQLITE_OK);
  const char* as_version_3 = R"sql(
    DROP TABLE containers;
    CREATE TABLE containers (
      id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, image_id TEXT NOT NULL, image_name TEXT NOT NULL,
      created_unix_nano INTEGER NOT NULL, config_json TEXT NOT NULL, host_config_json TEXT NOT NULL,
      state_json TEXT NOT NULL) WITHOUT ROWID;
    CREATE INDEX containers_image ON containers(image_id);
    INSERT INTO containers VALUES ('c1', 'web', 'sha256:aa', 'busybox', 7, '{"Image":"busybox"}', '{}', '{}');
    UPDATE schema_version SET version = 3;)sql";
  char* error = nullptr;
  ASSERT_EQ(sqlite3_exec(db, as_version_3, nullptr, nullptr, &error), SQLITE_OK) << (error ? error : "");
  sqlite3_close(db);

  auto reopened = MetadataStore::open(paths_);
  ASSERT_TRUE(reopened) << reopened.error().message;
  EXPECT_EQ(query_raw("SELECT version FROM schema_version"), std::to_string(kSchemaVersion));
  EXPECT_EQ(query_raw("SELECT name || ' ' || created_unix_nano || ' ' || config_json FROM containers WHERE id = 'c1'"),
            R"(web 7 {"Image":"busybox"})");
  EXPECT_EQ(query_raw("SELECT instr(sql, 'WITHOUT ROWID') FROM sqlite_master WHERE name = 'containers'"), "0");
  EXPECT_EQ(query_raw("SELECT count(*) FROM sqlite_master WHERE name = 'containers_image'"), "1");
  EXPECT_EQ(query_raw("SELECT count(*) FROM sqlite_master WHERE name = 'containers_v4'"), "0");
  // The name stays unique.
  EXPECT_EQ(query_raw("SELECT count(*) FROM pragma_index_list('containers') WHERE \"unique\" = 1"), "2");
}

TEST_F(MetadataStoreTest, NewerSchemaIsRefused) {
  query_raw("UPDATE schema_version SET version = 99");
  auto opened = MetadataStore::open(paths_);
  ASSERT_FALSE(opened);
  EXPECT_NE(opened.error().message.find("schema version 99 is newer"), std::string::npos) << opened.error().message;
}

TEST_F(MetadataStoreTest, LayerRecordsAreIdempotentAndChecked) {
  auto layers = stack({"a", "b"});
  put_layers(layers);
  put_layers(layers);
  auto got = store_->get_layer(layers[1].chain_id);
  ASSERT_TRUE(got && got->has_value());
  EXPECT_EQ((*got)->diff_id, layers[1].diff_id);
  EXPECT_EQ((*got)->parent, layers[0].chain_id);
  EXPECT_EQ((*got)->size, layers[1].size);
  EXPECT_EQ((*got)->blob_digest, layers[1].blob_digest);
  EXPECT_EQ((*got)->blob_media_type, layers[1].blob_media_type);
  EXPECT_EQ((*got)->blob_size, 500u);
  auto base = store_->get_layer(layers[0].chain_id);
  ASSERT_TRUE(base && base->has_value());
  EXPECT_FALSE((*base)->parent);
  EXPECT_FALSE(store_->get_layer(Digest::of("nope"))->has_value());
  EXPECT_EQ(store_->list_layers()->size(), 2u);

  auto forged = layers[1];
  forged.chain_id = Digest::of("not the chain of that parent and diff");
  auto put = store_->put_layer(forged);
  ASSERT_FALSE(put);
  EXPECT_NE(put.error().message.find("chain id does not match"), std::string::npos) << put.error().message;
}

TEST_F(MetadataStoreTest, ImageRoundTrips) {
  auto layers = stack({"base", "app"});
  put_layers(layers);
  auto image = image_of("{\"config\":\"one\"}", layers);
  image.tags = {"docker.io/library/one:latest", "docker.io/library/one:1.0"};
  image.repo_digests = {"docker.io/library/one@" + image.manifest_digest->str()};
  image.parent = Digest::of("parent image");
  auto put = store_->put_image(image);
  ASSERT_TRUE(put) << put.error().message;

  auto got = store_->get_image(image.id);
  ASSERT_TRUE(got) << got.error().message;
  ASSERT_TRUE(got->has_value());
  const auto& stored = **got;
  EXPECT_EQ(stored.id, image.id);
  EXPECT_EQ(stored.config_json, image.config_json);
  EXPECT_EQ(stored.manifest_digest, image.manifest_digest);
  EXPECT_EQ(stored.manifest_media_type, image.manifest_media_type);
  EXPECT_EQ(stored.layers, image.layers);
  EXPECT_EQ(stored.created_unix, 1700000000);
  EXPECT_GT(stored.added_unix, 1700000000);
  EXPECT_EQ(stored.size, layers[0].size + layers[1].size);
  EXPECT_EQ(stored.tags, (std::vector<std::string>{"docker.io/library/one:1.0", "docker.io/library/one:latest"}));
  EXPECT_EQ(stored.repo_digests, image.repo_digests);
  EXPECT_EQ(stored.parent, image.parent);
  EXPECT_EQ(store_->resolve_tag("docker.io/library/one:latest")->value_or(Digest()), image.id);
  EXPECT_FALSE(store_->get_image(Digest::of("unknown"))->has_value());

  // A second put replaces the record but keeps when it first arrived.
  auto added = stored.added_unix;
  image.added_unix = added + 1000;
  image.tags.clear();
  image.layers.pop_back();
  ASSERT_TRUE(store_->put_image(image));
  auto updated = store_->get_image(image.id);
  ASSERT_TRUE(updated && updated->has_value());
  EXPECT_EQ((*updated)->added_unix, added);
  EXPECT_EQ((*updated)->layers.size(), 1u);
  EXPECT_EQ((*updated)->tags.size(), 2u) << "a put without tags keeps the existing ones";
}

TEST_F(MetadataStoreTest, ImageWithAnUnrecordedLayerFailsAndLeavesNothing) {
  auto layers = stack({"base", "missing"});
  put_layers({layers[0]});
  auto image = image_of("{\"config\":\"broken\"}", layers);
  image.tags = {"docker.io/library/broken:latest"};
  auto put = store_->put_image(image);
  ASSERT_FALSE(put);
  EXPECT_NE(put.error().message.find("layer " + layers[1].chain_id.str() + " is not recorded"), std::string::npos)
      << put.error().message;
  EXPECT_FALSE(store_->get_image(image.id)->has_value());
  EXPECT_FALSE(store_->resolve_tag("docker.io/library/broken:latest")->has_value());
  EXPECT_EQ(query_raw("SELECT count(*) FROM images"), "0");
  EXPECT_EQ(query_raw("SELECT count(*) FROM image_layers"), "0");
  EXPECT_EQ(query_raw("SELECT count(*) FROM image_blobs"), "0");
}

TEST_F(MetadataStoreTest, MovingATagLeavesTheOldImageDangling) {
  auto layers = stack({"base"});
  put_layers(layers);
  auto old_image = image_of("{\"v\":1}", layers);
  auto new_image = image_of("{\"v\":2}", layers);
  old_image.tags = {"docker.io/library/app:latest"};
  ASSERT_TRUE(store_->put_image(old_image));
  ASSERT_TRUE(store_->put_image(new_image));
  auto moved = store_->add_tag("docker.io/library/app:latest", new_image.id);
  ASSERT_TRUE(moved) << moved.error().message;
  EXPECT_EQ(store_->resolve_tag("docker.io/library/app:latest")->value(), new_image.id);
  auto old_record = store_->get_image(old_image.id);
  ASSERT_TRUE(old_record && old_record->has_value());
  EXPECT_TRUE((*old_record)->tags.empty()) << "old image should be dangling";
  EXPECT_EQ(store_->get_image(new_image.id)->value().tags, std::vector<std::string>{"docker.io/library/app:latest"});

  // Tagging through put_image moves too.
  old_image.tags = {"docker.io/library/app:latest"};
  ASSERT_TRUE(store_->put_image(old_image));
  EXPECT_TRUE(store_->get_image(new_image.id)->value().tags.empty());

  EXPECT_FALSE(store_->add_tag("docker.io/library/app:v2", Digest::of("no such image")));
  EXPECT_TRUE(store_->remove_tag("docker.io/library/app:latest"));
  EXPECT_FALSE(store_->resolve_tag("docker.io/library/app:latest")->has_value());
  auto again = store_->remove_tag("docker.io/library/app:latest");
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().message, "No such image: docker.io/library/app:latest");
}

TEST_F(MetadataStoreTest, RepoDigestsNameOneImageAndAreValidated) {
  auto layers = stack({"base"});
  put_layers(layers);
  auto first = image_of("{\"arch\":\"amd64\"}", layers);
  auto second = image_of("{\"arch\":\"arm64\"}", layers);
  ASSERT_TRUE(store_->put_image(first));
  ASSERT_TRUE(store_->put_image(second));
  auto reference = "docker.io/library/multi@" + Digest::of("index").str();
  ASSERT_TRUE(store_->add_repo_digest(reference, first.id));
  ASSERT_TRUE(store_->add_repo_digest(reference, second.id));
  EXPECT_TRUE(store_->get_image(first.id)->value().repo_digests.empty());
  EXPECT_EQ(store_->get_image(second.id)->value().repo_digests, std::vector<std::string>{reference});
  EXPECT_FALSE(store_->add_repo_digest("docker.io/library/multi:latest", first.id)) << "no digest";
  EXPECT_FALSE(store_->add_repo_digest("docker.io/library/multi@sha256:../../etc", first.id));
  EXPECT_FALSE(store_->add_tag("docker.io/library/multi@" + Digest::of("x").str(), first.id)) << "a tag has no digest";
}

TEST_F(MetadataStoreTest, FindImageFollowsDockersOrderAndRefusesAmbiguousPrefixes) {
  auto layers = stack({"base"});
  put_layers(layers);
  // Find two configs whose ids share a first hex digit, and one that does not.
  std::vector<ImageRecord> images;
  for (int i = 0; images.size() < 2 && i < 1000; ++i) {
    auto candidate = image_of("{\"n\":" + std::to_string(i) + "}", layers);
    if (images.empty() || candidate.id.hex()[0] == images[0].id.hex()[0]) images.push_back(candidate);
  }
  ASSERT_EQ(images.size(), 2u);
  for (auto& image : images) ASSERT_TRUE(store_->put_image(image));
  const auto& a = images[0];
  const auto& b = images[1];
  std::string shared(a.id.hex().substr(0, 1));
  size_t common = 0;
  while (a.id.hex()[common] == b.id.hex()[common]) ++common;
  std::string unique_a(a.id.hex().substr(0, common + 1));

  auto found = [&](std::string_view name) -> std::optional<Digest> {
    auto result = store_->find_image(name);
    EXPECT_TRUE(result) << name << ": " << result.error().message;
    if (!result || !result->has_value()) return std::nullopt;
    return (*result)->id;
  };
  EXPECT_EQ(found(a.id.str()), a.id);
  EXPECT_EQ(found(a.id.hex()), a.id);
  EXPECT_EQ(found(unique_a), a.id);
  EXPECT_EQ(found("sha256:" + unique_a), a.id);
  EXPECT_EQ(found(b.id.short_hex()), b.id);
  EXPECT_EQ(found("ffff" + std::string(60, '0')), std::nullopt) << "full id that is not stored";

  auto ambiguous = store_->find_image(shared);
  ASSERT_FALSE(ambiguous);
  EXPECT_EQ(ambiguous.error().message, "Multiple IDs found with provided prefix: " + shared);

  // A name in full beats an id prefix: tag b as the prefix of a's id.
  ASSERT_TRUE(store_->add_tag(unique_a, b.id));
  EXPECT_EQ(found(unique_a), b.id);
  auto digest_ref = "docker.io/library/x@" + a.manifest_digest->str();
  ASSERT_TRUE(store_->add_repo_digest(digest_ref, a.id));
  EXPECT_EQ(found(digest_ref), a.id);

  // Neither ids nor names: nothing found, no error, no file touched.
  for (const char* name : {"../../etc/passwd", "docker.io/library/none:latest", "sha256:", "ABC", "", "g"})
    EXPECT_EQ(found(name), std::nullopt) << name;
  EXPECT_FALSE(fs::exists(paths_.root / "etc"));
}

TEST_F(MetadataStoreTest, HostileReferencesStayText) {
  auto layers = stack({"base"});
  put_layers(layers);
  auto image = image_of("{}", layers);
  ASSERT_TRUE(store_->put_image(image));
  auto before = testing::count_entries(paths_.root);
  // Path characters are just characters in a name; they never reach the filesystem.
  ASSERT_TRUE(store_->add_tag("../../../../tmp/evil:latest", image.id));
  EXPECT_EQ(store_->resolve_tag("../../../../tmp/evil:latest")->value(), image.id);
  EXPECT_EQ(testing::count_entries(paths_.root), before);
  // SQL in a name is bound, never spliced.
  ASSERT_TRUE(store_->add_tag("x:y');DROP_TABLE_images;--", image.id));
  EXPECT_TRUE(store_->get_image(image.id)->has_value());
  for (const char* bad : {"", "has space:1", "new\nline:1", "tab\t:1"})
    EXPECT_FALSE(store_->add_tag(bad, image.id)) << bad;
  EXPECT_FALSE(store_->add_tag(std::string(2000, 'a'), image.id));
}

TEST_F(MetadataStoreTest, CorruptDigestInTheDatabaseIsAnErrorNotAPath) {
  query_raw("INSERT INTO layers(chain_id, diff_id, size) VALUES ('sha256:../../../etc', 'sha256:x', 1)");
  auto listed = store_->list_layers();
  ASSERT_FALSE(listed);
  EXPECT_NE(listed.error().message.find("bad digest"), std::string::npos) << listed.error().message;
}

TEST_F(MetadataStoreTest, RemoveImageReturnsExactlyWhatBecameUnreferenced) {
  // Two images share "base" and "mid"; each has its own top layer.
  auto shared = stack({"base", "mid"});
  auto one_layers = stack({"base", "mid", "one"});
  auto two_layers = stack({"base", "mid", "two"});
  put_layers(one_layers);
  put_layers({two_layers[2]});
  auto one = image_of("{\"image\":1}", one_layers);
  auto two = image_of("{\"image\":2}", two_layers);
  one.tags = {"docker.io/library/one:latest"};
  ASSERT_TRUE(store_->put_image(one));
  ASSERT_TRUE(store_->put_image(two));
  auto index = Digest::of("an index both came from");
  ASSERT_TRUE(store_->add_image_blobs(one.id, {index}));
  ASSERT_TRUE(store_->add_image_blobs(two.id, {index}));
  EXPECT_EQ(store_->layer_reference_count(shared[0].chain_id).value(), 2);
  EXPECT_EQ(store_->layer_reference_count(one_layers[2].chain_id).value(), 1);

  auto removed = store_->remove_image(one.id);
  ASSERT_TRUE(removed) << removed.error().message;
  EXPECT_EQ(removed->layers, std::vector<Digest>{one_layers[2].chain_id});
  std::vector<Digest> expected_blobs{one.id, *one.manifest_digest, *one_layers[2].blob_digest};
  std::sort(expected_blobs.begin(), expected_blobs.end());
  auto blobs = removed->blobs;
  std::sort(blobs.begin(), blobs.end());
  EXPECT_EQ(blobs, expected_blobs);
  EXPECT_FALSE(store_->get_image(one.id)->has_value());
  EXPECT_FALSE(store_->resolve_tag("docker.io/library/one:latest")->has_value());
  EXPECT_TRUE(store_->get_image(two.id)->has_value());
  // The unreferenced layer keeps its row until its directory is deleted.
  EXPECT_EQ(store_->unreferenced_layers().value(), std::vector<Digest>{one_layers[2].chain_id});

  // Removing the second image frees the rest.
  auto rest = store_->remove_image(two.id);
  ASSERT_TRUE(rest);
  auto rest_layers = rest->layers;
  std::sort(rest_layers.begin(), rest_layers.end());
  std::vector<Digest> expected_layers{two_layers[0].chain_id, two_layers[1].chain_id, two_layers[2].chain_id};
  std::sort(expected_layers.begin(), expected_layers.end());
  EXPECT_EQ(rest_layers, expected_layers);
  EXPECT_NE(std::find(rest->blobs.begin(), rest->blobs.end(), index), rest->blobs.end());
  EXPECT_NE(std::find(rest->blobs.begin(), rest->blobs.end(), *shared[0].blob_digest), rest->blobs.end());
  EXPECT_TRUE(store_->referenced_blobs()->empty());

  auto unknown = store_->remove_image(one.id);
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().message, "No such image: " + one.id.str());
}

TEST_F(MetadataStoreTest, ReferencedSetsForGc) {
  auto layers = stack({"base", "top"});
  put_layers(layers);
  auto orphan = stack({"orphan"});
  put_layers(orphan);
  auto image = image_of("{}", {layers[0]});
  ASSERT_TRUE(store_->put_image(image));
  EXPECT_EQ(store_->referenced_layers().value(), std::vector<Digest>{layers[0].chain_id});
  auto unreferenced = store_->unreferenced_layers().value();
  std::sort(unreferenced.begin(), unreferenced.end());
  std::vector<Digest> expected{layers[1].chain_id, orphan[0].chain_id};
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(unreferenced, expected);
  auto blobs = store_->referenced_blobs().value();
  std::vector<Digest> expected_blobs{image.id, *image.manifest_digest, *layers[0].blob_digest};
  std::sort(expected_blobs.begin(), expected_blobs.end());
  EXPECT_EQ(blobs, expected_blobs);
  EXPECT_TRUE(store_->blob_referenced(*layers[0].blob_digest).value());
  EXPECT_FALSE(store_->blob_referenced(*layers[1].blob_digest).value());
  EXPECT_FALSE(store_->remove_layer_record(layers[0].chain_id)) << "in use";
  EXPECT_TRUE(store_->remove_layer_record(orphan[0].chain_id));
  EXPECT_FALSE(store_->get_layer(orphan[0].chain_id)->has_value());
}

TEST_F(MetadataStoreTest, ListImagesCarriesEveryList) {
  auto layers = stack({"base", "top"});
  put_layers(layers);
  auto one = image_of("{\"1\":1}", layers);
  one.tags = {"docker.io/library/one:latest"};
  one.added_unix = 100;
  auto two = image_of("{\"2\":2}", {layers[0]});
  two.repo_digests = {"docker.io/library/two@" + two.manifest_digest->str()};
  two.added_unix = 200;
  ASSERT_TRUE(store_->put_image(one));
  ASSERT_TRUE(store_->put_image(two));
  auto listed = store_->list_images();
  ASSERT_TRUE(listed) << listed.error().message;
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ((*listed)[0].id, two.id) << "newest first";
  EXPECT_EQ((*listed)[0].repo_digests, two.repo_digests);
  EXPECT_EQ((*listed)[0].layers, two.layers);
  EXPECT_EQ((*listed)[1].tags, one.tags);
  EXPECT_EQ((*listed)[1].layers, one.layers);
  EXPECT_EQ((*listed)[1].size, layers[0].size + layers[1].size);
}

TEST_F(MetadataStoreTest, CallerTransactionRollsBackEverythingInside) {
  auto layers = stack({"base"});
  {
    auto transaction = store_->transaction();
    ASSERT_TRUE(transaction) << transaction.error().message;
    put_layers(layers);
    ASSERT_TRUE(store_->put_image(image_of("{}", layers)));  // nests as a savepoint
    // Dropped without commit.
  }
  EXPECT_EQ(query_raw("SELECT count(*) FROM layers"), "0");
  EXPECT_EQ(query_raw("SELECT count(*) FROM images"), "0");
  {
    auto transaction = store_->transaction();
    ASSERT_TRUE(transaction);
    put_layers(layers);
    EXPECT_FALSE(store_->put_image(image_of("{}", stack({"base", "absent"}))));  // inner failure rolls back only itself
    ASSERT_TRUE(store_->put_image(image_of("{}", layers)));
    ASSERT_TRUE(transaction->commit());
  }
  EXPECT_EQ(query_raw("SELECT count(*) FROM images"), "1");
  EXPECT_EQ(query_raw("SELECT count(*) FROM image_layers"), "1");
}

TEST_F(MetadataStoreTest, ConcurrentWritersOnSeparateConnections) {
  auto layers = stack({"base"});
  put_layers(layers);
  constexpr int kPerWriter = 40;
  auto writer = [&](int which) -> std::string {
    auto opened = MetadataStore::open(paths_);
    if (!opened) return opened.error().message;
    for (int i = 0; i < kPerWriter; ++i) {
      auto image = image_of("{\"writer\":" + std::to_string(which) + ",\"i\":" + std::to_string(i) + "}", layers);
      // Every writer also fights over one shared tag.
      image.tags = {"docker.io/library/w" + std::to_string(which) + ":" + std::to_string(i),
                    "docker.io/library/contended:latest"};
      if (auto put = opened->put_image(image); !put) return put.error().message;
      if (auto found = opened->find_image(image.id.str()); !found || !found->has_value()) return "lost own write";
    }
    return {};
  };
  std::vector<std::string> errors(4);
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) threads.emplace_back([&, i] { errors[i] = writer(i); });
  for (auto& thread : threads) thread.join();
  for (const auto& error : errors) EXPECT_EQ(error, "");
  EXPECT_EQ(store_->list_images()->size(), 4u * kPerWriter);
  EXPECT_EQ(query_raw("SELECT count(*) FROM tags WHERE reference = 'docker.io/library/contended:latest'"), "1");
}

TEST_F(MetadataStoreTest, ConcurrentProcessesOpeningAFreshDatabaseAndWriting) {
  // A fresh root: several processes create the schema and write at once.
  StorePaths fresh{temp_.path() / "fresh", {}};
  ASSERT_TRUE(prepare_store_dirs(fresh));
  auto layers = stack({"base"});
  auto statuses = testing::run_children_concurrently(5, [&](int which) {
    auto opened = MetadataStore::open(fresh);
    if (!opened) {
      fprintf(stderr, "open: %s\n", opened.error().message.c_str());
      return 1;
    }
    for (const auto& layer : layers)
      if (!opened->put_layer(layer)) return 2;
    for (int i = 0; i < 20; ++i) {
      auto image = image_of("{\"p\":" + std::to_string(which) + ",\"i\":" + std::to_string(i) + "}", layers);
      if (auto put = opened->put_image(image); !put) {
        fprintf(stderr, "put: %s\n", put.error().message.c_str());
        return 3;
      }
    }
    return 0;
  });
  for (int status : statuses) EXPECT_EQ(status, 0);
  auto reopened = MetadataStore::open(fresh);
  ASSERT_TRUE(reopened);
  EXPECT_EQ(reopened->list_images()->size(), 100u);
}

}  // namespace
}  // namespace berth::store
