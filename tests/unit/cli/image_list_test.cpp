#include "cli/image_list.h"

#include <gtest/gtest.h>

#include "cli/go_json.h"
#include "cli/image_filters.h"
#include "cli/list_format.h"
#include "fake_image_service.h"

namespace berth::cli {
namespace {

using testing::test_digest;
using testing::test_image;

constexpr int64_t now = 1'700'000'000;

Result<int64_t> no_images(std::string_view name) { return fail("No such image: {}", name); }

std::vector<ImageSummary> sample_images() {
  auto busybox = test_image('a', {"docker.io/library/busybox:latest", "docker.io/library/busybox:1.36"}, now - 3600);
  busybox.repo_digests = {"docker.io/library/busybox@sha256:" + std::string(64, 'd')};
  auto alpine = test_image('b', {"docker.io/library/alpine:3.19"}, now - 14 * 86400);
  alpine.config["config"]["Labels"] = {{"maintainer", "someone"}, {"tier", "base"}};
  auto app = test_image('c', {"ghcr.io/acme/app:v1"}, now - 60);
  auto dangling = test_image('e', {}, now - 7200);
  return {alpine, busybox, app, dangling};
}

std::vector<std::string> ids_of(const std::vector<ImageSummary>& images) {
  std::vector<std::string> ids;
  for (const auto& image : images) ids.push_back(std::string(1, image.id.hex()[0]));
  return ids;
}

std::vector<std::string> select(std::vector<std::string> filters, bool all = false,
                                std::function<Result<int64_t>(std::string_view)> resolve = no_images) {
  auto query = parse_image_filters(filters, all, resolve);
  EXPECT_TRUE(query) << query.error().message;
  auto selected = select_images(sample_images(), *query);
  EXPECT_TRUE(selected) << selected.error().message;
  return ids_of(*selected);
}

TEST(ImageFilters, NoFilterListsAllNewestFirst) {
  EXPECT_EQ(select({}), (std::vector<std::string>{"c", "a", "e", "b"}));
}

TEST(ImageFilters, Dangling) {
  EXPECT_EQ(select({"dangling=true"}), (std::vector<std::string>{"e"}));
  EXPECT_EQ(select({"dangling=false"}), (std::vector<std::string>{"c", "a", "b"}));
  auto bad = parse_image_filters({"dangling=maybe"}, false, no_images);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message, "invalid filter 'dangling=maybe'");
}

TEST(ImageFilters, ReferenceGlobOnFamiliarNames) {
  EXPECT_EQ(select({"reference=busybox"}), (std::vector<std::string>{"a"}));
  EXPECT_EQ(select({"reference=busy*"}), (std::vector<std::string>{"a"}));
  EXPECT_EQ(select({"reference=*:3.19"}), (std::vector<std::string>{"b"}));
  EXPECT_EQ(select({"reference=ghcr.io/acme/*"}), (std::vector<std::string>{"c"}));
  EXPECT_EQ(select({"reference=*"}), (std::vector<std::string>{"a", "b"}));  // '*' stops at '/'
  EXPECT_EQ(select({"reference=alpine", "reference=busybox"}), (std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE(select({"reference=nothing"}).empty());
}

TEST(ImageFilters, ReferenceKeepsOnlyMatchingTags) {
  auto query = parse_image_filters({"reference=busybox:1.*"}, false, no_images);
  ASSERT_TRUE(query);
  auto selected = select_images(sample_images(), *query);
  ASSERT_TRUE(selected);
  ASSERT_EQ(selected->size(), 1u);
  EXPECT_EQ((*selected)[0].tags, (std::vector<std::string>{"docker.io/library/busybox:1.36"}));
  EXPECT_TRUE((*selected)[0].repo_digests.empty());
}

TEST(ImageFilters, BadPatternIsAnError) {
  auto query = parse_image_filters({"reference=[x-"}, false, no_images);
  ASSERT_TRUE(query);
  auto selected = select_images(sample_images(), *query);
  ASSERT_FALSE(selected);
  EXPECT_EQ(selected.error().message, "syntax error in pattern");
}

TEST(ImageFilters, Labels) {
  EXPECT_EQ(select({"label=maintainer"}), (std::vector<std::string>{"b"}));
  EXPECT_EQ(select({"label=tier=base"}), (std::vector<std::string>{"b"}));
  EXPECT_TRUE(select({"label=tier=app"}).empty());
  EXPECT_TRUE(select({"label=tier=base", "label=missing"}).empty());  // all must match
}

TEST(ImageFilters, BeforeAndSince) {
  auto resolve = [](std::string_view name) -> Result<int64_t> {
    if (name == "busybox") return now - 3600;
    if (name == "alpine:3.19") return now - 14 * 86400;
    return fail("No such image: {}", name);
  };
  EXPECT_EQ(select({"before=busybox"}, false, resolve), (std::vector<std::string>{"e", "b"}));
  EXPECT_EQ(select({"since=busybox"}, false, resolve), (std::vector<std::string>{"c"}));
  EXPECT_EQ(select({"since=alpine:3.19"}, false, resolve), (std::vector<std::string>{"c", "a", "e"}));
  // Several before= mean the oldest.
  EXPECT_TRUE(select({"before=busybox", "before=alpine:3.19"}, false, resolve).empty());
  auto missing = parse_image_filters({"before=nope"}, false, resolve);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().message, "No such image: nope");
}

TEST(ImageFilters, BadFilters) {
  auto no_equals = parse_image_filters({"dangling"}, false, no_images);
  ASSERT_FALSE(no_equals);
  EXPECT_EQ(no_equals.error().message, "bad format of filter (expected name=value)");
  auto unknown = parse_image_filters({"color=red"}, false, no_images);
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().message, "invalid filter 'color'");
}

TEST(ImageFilters, IntermediateImagesOnlyWithAll) {
  auto images = sample_images();
  auto child = test_image('f', {"docker.io/library/child:latest"}, now);
  child.parent = test_digest('e');  // the dangling image is its parent
  images.push_back(child);
  auto without_all = select_images(images, *parse_image_filters({}, false, no_images));
  EXPECT_EQ(ids_of(*without_all), (std::vector<std::string>{"f", "c", "a", "b"}));
  auto with_all = select_images(images, *parse_image_filters({}, true, no_images));
  EXPECT_EQ(ids_of(*with_all), (std::vector<std::string>{"f", "c", "a", "e", "b"}));
  // dangling=true looks among image heads only, even with --all.
  auto dangling = select_images(images, *parse_image_filters({"dangling=true"}, true, no_images));
  EXPECT_TRUE(dangling->empty());
}

TEST(ImageRows, OnePerTagAndNoneForDangling) {
  auto images = sample_images();
  auto rows = image_rows(images, false);
  ASSERT_EQ(rows.size(), 5u);
  EXPECT_EQ(rows[0].repository, "alpine");
  EXPECT_EQ(rows[1].repository + ":" + rows[1].tag, "busybox:latest");
  EXPECT_EQ(rows[2].repository + ":" + rows[2].tag, "busybox:1.36");
  EXPECT_EQ(rows[2].digest, "<none>");
  EXPECT_EQ(rows[3].repository, "ghcr.io/acme/app");
  EXPECT_EQ(rows[4].repository + " " + rows[4].tag + " " + rows[4].digest, "<none> <none> <none>");
}

TEST(ImageRows, DigestsPerTagAndDigestOnlyRepositories) {
  auto image = test_image('a', {"docker.io/library/busybox:latest"}, now);
  image.repo_digests = {"docker.io/library/busybox@sha256:" + std::string(64, 'd'),
                        "localhost:5000/mirror@sha256:" + std::string(64, 'f')};
  std::vector<ImageSummary> images{image};
  auto with = image_rows(images, true);
  ASSERT_EQ(with.size(), 2u);
  EXPECT_EQ(with[0].digest, "sha256:" + std::string(64, 'd'));
  EXPECT_EQ(with[1].repository + " " + with[1].tag, "localhost:5000/mirror <none>");
  EXPECT_EQ(with[1].digest, "sha256:" + std::string(64, 'f'));
  auto without = image_rows(images, false);
  ASSERT_EQ(without.size(), 2u);
  EXPECT_EQ(without[0].digest, "<none>");
  EXPECT_EQ(without[1].digest, "");
}

TEST(ImageRows, JsonLineHasDockersKeys) {
  ::setenv("TZ", "UTC", 1);
  ::tzset();
  auto images = sample_images();
  auto rows = image_rows(images, false);
  auto fields = image_row_fields(rows[1], true, now);
  EXPECT_EQ(go_json_compact(fields, true),
            "{\"Containers\":\"N/A\",\"CreatedAt\":\"2023-11-14 21:13:20 +0000 UTC\",\"CreatedSince\":\"About an "
            "hour ago\",\"Digest\":\"\\u003cnone\\u003e\",\"ID\":\"aaaaaaaaaaaa\",\"Repository\":\"busybox\","
            "\"SharedSize\":\"N/A\",\"Size\":\"4.26MB\",\"Tag\":\"latest\",\"UniqueSize\":\"N/A\",\"VirtualSize\":"
            "\"4.26MB\"}");
  auto full = image_row_fields(rows[1], false, now);
  EXPECT_EQ(full["ID"], "sha256:" + std::string(64, 'a'));
}

TEST(ImageRows, TableAndTemplates) {
  auto images = sample_images();
  std::vector<nlohmann::json> fields;
  for (const auto& row : image_rows(images, false)) fields.push_back(image_row_fields(row, true, now));
  auto table = render_list("", {image_table_format(false), &image_headers()}, fields);
  ASSERT_TRUE(table) << table.error().message;
  EXPECT_EQ(*table,
            "REPOSITORY         TAG       IMAGE ID       CREATED              SIZE\n"
            "alpine             3.19      bbbbbbbbbbbb   2 weeks ago          4.26MB\n"
            "busybox            latest    aaaaaaaaaaaa   About an hour ago    4.26MB\n"
            "busybox            1.36      aaaaaaaaaaaa   About an hour ago    4.26MB\n"
            "ghcr.io/acme/app   v1        cccccccccccc   About a minute ago   4.26MB\n"
            "<none>             <none>    eeeeeeeeeeee   2 hours ago          4.26MB\n");
  auto plain = render_list("{{.Repository}}:{{.Tag}}", {image_table_format(false), &image_headers()}, fields);
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->substr(0, 27), "alpine:3.19\nbusybox:latest\n");
  auto custom = render_list("table {{.ID}}\\t{{.Size}}", {image_table_format(false), &image_headers()}, {fields[0]});
  ASSERT_TRUE(custom);
  EXPECT_EQ(*custom, "IMAGE ID       SIZE\nbbbbbbbbbbbb   4.26MB\n");
  auto unknown = render_list("{{.Nope}}", {image_table_format(false), &image_headers()}, fields);
  ASSERT_FALSE(unknown);
  EXPECT_NE(unknown.error().message.find("can't evaluate field Nope"), std::string::npos);
}

}  // namespace
}  // namespace berth::cli
