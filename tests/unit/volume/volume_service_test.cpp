#include "volume/volume_service.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <fstream>

#include "store/metadata_schema.h"
#include "volume/volume_json.h"
#include "volume_test_support.h"

namespace berth::volume {
namespace {

namespace fs = std::filesystem;
using testing::read_text;
using testing::VolumeTest;
using testing::write_text;

std::vector<std::string> names_of(const Result<std::vector<Volume>>& volumes) {
  std::vector<std::string> names;
  if (volumes)
    for (const auto& volume : *volumes) names.push_back(volume.name);
  return names;
}

TEST_F(VolumeTest, CreateMakesTheDataDirectoryAndTheRow) {
  Volume volume = create("data1", {{"tier", "db"}});
  EXPECT_EQ(volume.name, "data1");
  EXPECT_EQ(volume.driver, "local");
  EXPECT_FALSE(volume.anonymous);
  EXPECT_EQ(volume.labels, (std::map<std::string, std::string>{{"tier", "db"}}));
  EXPECT_EQ(volume.mountpoint, paths_.root / "volumes" / "data1" / "_data");
  struct stat info {};
  ASSERT_EQ(::lstat(volume.mountpoint.c_str(), &info), 0);
  EXPECT_TRUE(S_ISDIR(info.st_mode));
  EXPECT_EQ(info.st_mode & 07777, 0755u);
  ASSERT_EQ(::lstat((paths_.root / "volumes" / "data1").c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 07777, 0701u);
  EXPECT_GT(volume.created_unix, 1700000000);

  auto inspected = service_->inspect("data1");
  ASSERT_TRUE(inspected) << inspected.error().message;
  EXPECT_EQ(inspected->labels, volume.labels);
}

TEST_F(VolumeTest, CreatingAnExistingNameReturnsItUnchanged) {
  Volume first = create("same", {{"a", "1"}});
  auto again = service_->create({.name = "same", .labels = {{"b", "2"}}, .options = {{"bogus", "x"}}});
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_FALSE(again->created);
  EXPECT_EQ(again->volume.labels, first.labels);
  EXPECT_EQ(again->volume.created_unix, first.created_unix);
}

TEST_F(VolumeTest, CreateWithoutANameIsAnonymous) {
  auto created = service_->create({});
  ASSERT_TRUE(created) << created.error().message;
  EXPECT_TRUE(created->created);
  EXPECT_EQ(created->volume.name.size(), 64u);
  EXPECT_TRUE(created->volume.anonymous);
  EXPECT_EQ(created->volume.labels, (std::map<std::string, std::string>{{std::string(kAnonymousLabel), ""}}));
}

TEST_F(VolumeTest, CreateRefusesBadNamesDriversAndOptionsInDockersWords) {
  auto bad_name = service_->create({.name = "../escape"});
  ASSERT_FALSE(bad_name);
  EXPECT_TRUE(bad_name.error().message.starts_with("create ../escape: \"../escape\" includes invalid characters"))
      << bad_name.error().message;
  auto driver = service_->create({.name = "vol", .driver = "nfs-plugin"});
  ASSERT_FALSE(driver);
  EXPECT_EQ(driver.error().message,
            "create vol: error looking up volume plugin nfs-plugin: plugin \"nfs-plugin\" not found");
  auto option = service_->create({.name = "vol", .options = {{"bogus", "1"}}});
  ASSERT_FALSE(option);
  EXPECT_EQ(option.error().message, "create vol: invalid option: \"bogus\"");
  auto missing = service_->create({.name = "vol", .options = {{"type", "tmpfs"}}});
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().message, "create vol: missing required option: \"device\"");
  // Nothing was left behind by the failures.
  EXPECT_FALSE(fs::exists(paths_.root / "volumes" / "vol"));
  EXPECT_FALSE(fs::exists(temp_.path() / "escape"));
  EXPECT_TRUE(names_of(service_->list({})).empty());
}

TEST_F(VolumeTest, AHalfMadeDirectoryWithoutARowIsCleanedUpOnNextCreate) {
  // What a crash between mkdir and the row's insert leaves.
  fs::create_directories(paths_.root / "volumes" / "crashed" / "_data");
  write_text(paths_.root / "volumes" / "crashed" / "_data" / "stale", "x");
  fs::create_directories(paths_.root / "volumes" / "orphan" / "_data");
  // A symlink planted where a volume directory goes is removed, not followed.
  fs::create_symlink(sentinel_, paths_.root / "volumes" / "planted");
  EXPECT_TRUE(names_of(service_->list({})).empty()) << "a directory without a row is no volume";
  EXPECT_EQ(service_->inspect("crashed").error().message, "get crashed: no such volume");

  Volume volume = create("crashed");
  EXPECT_FALSE(fs::exists(volume.mountpoint / "stale"));
  EXPECT_FALSE(fs::exists(paths_.root / "volumes" / "orphan")) << "other leftovers are collected too";
  Volume planted = create("planted");
  EXPECT_FALSE(fs::is_symlink(paths_.root / "volumes" / "planted"));
  EXPECT_TRUE(fs::is_directory(planted.mountpoint));
  EXPECT_EQ(names_of(service_->list({})), (std::vector<std::string>{"crashed", "planted"}));
}

TEST_F(VolumeTest, RemoveDeletesRowAndDirectory) {
  Volume volume = create("gone");
  write_text(volume.mountpoint / "file", "data");
  ASSERT_TRUE(service_->remove("gone", false));
  EXPECT_FALSE(fs::exists(paths_.root / "volumes" / "gone"));
  auto again = service_->remove("gone", false);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().message, "get gone: no such volume");
  EXPECT_TRUE(is_no_such_volume(again.error()));
  EXPECT_TRUE(service_->remove("gone", true)) << "-f on a missing volume is not an error";
}

TEST_F(VolumeTest, ReferencedVolumesCannotBeRemoved) {
  create("shared");
  ASSERT_TRUE(service_->add_reference("shared", "c2"));
  ASSERT_TRUE(service_->add_reference("shared", "c1"));
  ASSERT_TRUE(service_->add_reference("shared", "c1")) << "idempotent";
  auto removed = service_->remove("shared", true);
  ASSERT_FALSE(removed);
  EXPECT_EQ(removed.error().message, "remove shared: volume is in use - [c1, c2]");
  EXPECT_EQ(service_->inspect("shared")->references, 2);
  auto missing = service_->add_reference("nosuch", "c1");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().message, "get nosuch: no such volume");
  EXPECT_FALSE(service_->add_reference("shared", "bad id"));
  EXPECT_FALSE(service_->add_reference("shared", ""));
}

TEST_F(VolumeTest, RemoveReferencesReturnsAnonymousVolumesNowUnused) {
  create("named");
  auto anonymous = service_->create({});
  auto shared_anonymous = service_->create({});
  ASSERT_TRUE(anonymous && shared_anonymous);
  for (const std::string& name : {std::string("named"), anonymous->volume.name, shared_anonymous->volume.name})
    ASSERT_TRUE(service_->add_reference(name, "c1"));
  ASSERT_TRUE(service_->add_reference(shared_anonymous->volume.name, "c2"));

  auto released = service_->remove_references("c1");
  ASSERT_TRUE(released) << released.error().message;
  EXPECT_EQ(*released, std::vector<std::string>{anonymous->volume.name});
  released = service_->remove_references("c2");
  ASSERT_TRUE(released);
  EXPECT_EQ(*released, std::vector<std::string>{shared_anonymous->volume.name});
  EXPECT_TRUE(service_->remove_references("c1")->empty()) << "nothing left to release";
  EXPECT_TRUE(service_->remove("named", false));
}

TEST_F(VolumeTest, ListFiltersAsDocker) {
  create("web-data", {{"tier", "web"}});
  create("db-data", {{"tier", "db"}, {"backup", ""}});
  create("cache");
  ASSERT_TRUE(service_->add_reference("db-data", "c1"));
  EXPECT_EQ(names_of(service_->list({})), (std::vector<std::string>{"cache", "db-data", "web-data"}));
  EXPECT_EQ(names_of(service_->list({"dangling=true"})), (std::vector<std::string>{"cache", "web-data"}));
  EXPECT_EQ(names_of(service_->list({"dangling=false"})), (std::vector<std::string>{"db-data"}));
  EXPECT_EQ(names_of(service_->list({"label=tier"})), (std::vector<std::string>{"db-data", "web-data"}));
  EXPECT_EQ(names_of(service_->list({"label=tier=web"})), (std::vector<std::string>{"web-data"}));
  EXPECT_EQ(names_of(service_->list({"label=backup"})), (std::vector<std::string>{"db-data"}));
  EXPECT_EQ(names_of(service_->list({"name=data"})), (std::vector<std::string>{"db-data", "web-data"}));
  EXPECT_EQ(names_of(service_->list({"driver=local", "name=cac"})), (std::vector<std::string>{"cache"}));
  EXPECT_TRUE(names_of(service_->list({"driver=other"})).empty());
  auto bad = service_->list({"bogus=1"});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message, "invalid filter 'bogus'");
}

TEST_F(VolumeTest, PruneRemovesUnusedAnonymousVolumesUnlessAll) {
  Volume named = create("named1");
  Volume labelled = create("named2", {{"keep", "yes"}});
  auto anonymous = service_->create({});
  auto used = service_->create({});
  auto with_options = service_->create({.options = {{"type", "tmpfs"}, {"device", "tmpfs"}}});
  ASSERT_TRUE(anonymous && used && with_options);
  ASSERT_TRUE(service_->add_reference(used->volume.name, "c1"));
  write_text(anonymous->volume.mountpoint / "blob", std::string(1500, 'x'));
  fs::create_directories(anonymous->volume.mountpoint / "dir");
  write_text(anonymous->volume.mountpoint / "dir" / "more", std::string(500, 'y'));
  ::link((anonymous->volume.mountpoint / "blob").c_str(), (anonymous->volume.mountpoint / "dir" / "hard").c_str());

  auto pruned = service_->prune({});
  ASSERT_TRUE(pruned) << pruned.error().message;
  EXPECT_EQ(pruned->deleted, std::vector<std::string>{anonymous->volume.name});
  EXPECT_EQ(pruned->reclaimed_bytes, 2000u) << "apparent sizes, a hard link counted once";
  EXPECT_FALSE(fs::exists(paths_.root / "volumes" / anonymous->volume.name));

  auto filtered = service_->prune({"all=true", "label!=keep=yes"});
  ASSERT_TRUE(filtered) << filtered.error().message;
  EXPECT_EQ(filtered->deleted, std::vector<std::string>{"named1"});
  auto by_label = service_->prune({"all=1", "label=keep"});
  ASSERT_TRUE(by_label);
  EXPECT_EQ(by_label->deleted, std::vector<std::string>{"named2"});
  EXPECT_EQ(by_label->reclaimed_bytes, 0u);
  // What is left: the volume in use and the one with driver options (Docker skips those).
  auto left = names_of(service_->list({}));
  std::sort(left.begin(), left.end());
  std::vector<std::string> expected{used->volume.name, with_options->volume.name};
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(left, expected);
  auto bad = service_->prune({"dangling=true"});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message, "invalid filter 'dangling'");
}

TEST_F(VolumeTest, InspectJsonIsDockers) {
  Volume volume = create("shown", {{"a", "b"}}, {});
  nlohmann::ordered_json json = volume_json(volume);
  std::vector<std::string> keys;
  for (const auto& [key, value] : json.items()) keys.push_back(key);
  EXPECT_EQ(keys,
            (std::vector<std::string>{"CreatedAt", "Driver", "Labels", "Mountpoint", "Name", "Options", "Scope"}));
  EXPECT_EQ(json["Driver"], "local");
  EXPECT_EQ(json["Scope"], "local");
  EXPECT_EQ(json["Labels"]["a"], "b");
  EXPECT_TRUE(json["Options"].is_object() && json["Options"].empty());
  EXPECT_EQ(json["Mountpoint"], (paths_.root / "volumes" / "shown" / "_data").string());
}

TEST(VolumeJson, Rfc3339WithTheLocalOffset) {
  const char* saved = ::getenv("TZ");
  std::string previous = saved ? saved : "";
  ::setenv("TZ", "UTC", 1);
  ::tzset();
  EXPECT_EQ(rfc3339_local(1700000000), "2023-11-14T22:13:20Z");
  ::setenv("TZ", "EST5EDT", 1);  // November: standard time, UTC-5
  ::tzset();
  EXPECT_EQ(rfc3339_local(1700000000), "2023-11-14T17:13:20-05:00");
  ::setenv("TZ", "IST-5:30", 1);
  ::tzset();
  EXPECT_EQ(rfc3339_local(1700000000), "2023-11-15T03:43:20+05:30");
  if (saved)
    ::setenv("TZ", previous.c_str(), 1);
  else
    ::unsetenv("TZ");
  ::tzset();
}

// Runs one SQL statement on the database with a raw connection.
void exec_raw(const fs::path& database, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(database.c_str(), &db), SQLITE_OK);
  char* message = nullptr;
  int result = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message);
  std::string text = message ? message : "";
  sqlite3_free(message);
  sqlite3_close(db);
  ASSERT_EQ(result, SQLITE_OK) << text;
}

TEST_F(VolumeTest, AStoreFromBeforeVolumesIsUpgradedInPlace) {
  service_.reset();
  // Turn the fresh database back into a version-1 one (images only) with an image in it.
  const std::string image = "sha256:" + std::string(64, 'a');
  exec_raw(paths_.database(),
           "DROP TABLE IF EXISTS containers; DROP TABLE volume_refs; DROP TABLE volumes; "
           "UPDATE schema_version SET version = 1; "
           "INSERT INTO images(id, config_json) VALUES ('" +
               image + "', '{}');");
  auto reopened = VolumeService::open(paths_);
  ASSERT_TRUE(reopened) << reopened.error().message;
  service_ = std::move(*reopened);
  Volume volume = create("after-upgrade");
  EXPECT_EQ(volume.name, "after-upgrade");
  auto metadata = store::MetadataStore::open(paths_);
  ASSERT_TRUE(metadata);
  auto kept = metadata->get_image(*Digest::parse(image));
  ASSERT_TRUE(kept) << kept.error().message;
  EXPECT_TRUE(kept->has_value()) << "the image survived the migration";
  sqlite3* db = nullptr;
  sqlite3_open(paths_.database().c_str(), &db);
  sqlite3_stmt* statement = nullptr;
  sqlite3_prepare_v2(db, "SELECT version FROM schema_version", -1, &statement, nullptr);
  ASSERT_EQ(sqlite3_step(statement), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int(statement, 0), store::kSchemaVersion);
  sqlite3_finalize(statement);
  sqlite3_close(db);
}

TEST_F(VolumeTest, ADamagedRowIsAnErrorNotAPath) {
  create("fine");
  exec_raw(paths_.database(), "INSERT INTO volumes(name, driver, created_unix) VALUES ('../../x', 'local', 1)");
  auto listed = service_->list({});
  ASSERT_FALSE(listed);
  EXPECT_NE(listed.error().message.find("contains '/'"), std::string::npos) << listed.error().message;
  exec_raw(paths_.database(), "DELETE FROM volumes WHERE name = '../../x'");
  exec_raw(paths_.database(), "UPDATE volumes SET labels_json = '[1]' WHERE name = 'fine'");
  auto inspected = service_->inspect("fine");
  ASSERT_FALSE(inspected);
  EXPECT_NE(inspected.error().message.find("bad volume labels"), std::string::npos);
}

TEST_F(VolumeTest, BindVolumesHandTheDeviceToTheContainer) {
  fs::path host = temp_.path() / "host-dir";
  fs::create_directories(host);
  create("bound", {}, {{"type", "none"}, {"o", "bind,ro"}, {"device", host.string()}});
  auto mount = service_->mount_for_container("bound", "c1");
  ASSERT_TRUE(mount) << mount.error().message;
  EXPECT_EQ(mount->source, host);
  EXPECT_TRUE(mount->read_only);
  EXPECT_EQ(service_->inspect("bound")->references, 1);

  create("dangling-bind", {}, {{"type", "none"}, {"o", "bind"}, {"device", (temp_.path() / "missing").string()}});
  auto missing = service_->mount_for_container("dangling-bind", "c1");
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("No such file or directory"), std::string::npos);
  EXPECT_EQ(service_->inspect("dangling-bind")->references, 0) << "no reference for a failed mount";
}

TEST_F(VolumeTest, PlainVolumesMountTheirDataDirectory) {
  Volume volume = create("plain");
  auto mount = service_->mount_for_container("plain", "c9");
  ASSERT_TRUE(mount) << mount.error().message;
  EXPECT_EQ(mount->source, volume.mountpoint);
  EXPECT_FALSE(mount->read_only);
  EXPECT_FALSE(service_->mount_for_container("nosuch", "c9"));
}

// tmpfs volumes: mounted on first use, unmounted when the last reference
// goes. Runs in a child with a private mount namespace, so no mount can
// outlive the test or be seen by anyone else.
TEST_F(VolumeTest, TmpfsVolumesAreMountedOnDemandAndUnmountedWithTheLastReference) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to mount";
  service_.reset();
  int status = store::testing::run_in_child([&]() -> int {
    if (::unshare(CLONE_NEWNS) != 0) return 10;
    if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) return 11;
    auto opened = VolumeService::open(paths_);
    if (!opened) return 12;
    auto& service = **opened;
    auto created = service.create(
        {.name = "scratch", .options = {{"type", "tmpfs"}, {"device", "tmpfs"}, {"o", "size=1m,uid=1000"}}});
    if (!created) return 13;
    const fs::path data = created->volume.mountpoint;
    auto is_tmpfs = [&] {
      struct statfs info {};
      return ::statfs(data.c_str(), &info) == 0 && info.f_type == 0x01021994;  // TMPFS_MAGIC
    };
    if (is_tmpfs()) return 14;  // not mounted before use
    auto first = service.mount_for_container("scratch", "c1");
    if (!first || first->source != data || !is_tmpfs()) return 15;
    struct stat info {};
    if (::stat(data.c_str(), &info) != 0 || info.st_uid != 1000) return 16;  // o= reached the kernel
    write_text(data / "file", "in tmpfs");
    auto second = service.mount_for_container("scratch", "c2");
    if (!second || !is_tmpfs() || read_text(data / "file") != "in tmpfs") return 17;  // mounted once
    auto in_use = service.remove("scratch", false);
    if (in_use || in_use.error().message != "remove scratch: volume is in use - [c1, c2]") return 18;
    if (!service.remove_references("c1") || !is_tmpfs()) return 19;
    if (!service.remove_references("c2") || is_tmpfs()) return 20;  // last reference: unmounted
    if (fs::exists(data / "file")) return 21;
    auto again = service.mount_for_container("scratch", "c3");
    if (!again || !is_tmpfs()) return 22;
    if (!service.remove_references("c3")) return 23;
    if (!service.remove("scratch", false) || fs::exists(data)) return 24;
    return 0;
  });
  EXPECT_EQ(status, 0) << "step " << status << " failed";
}

}  // namespace
}  // namespace berth::volume
