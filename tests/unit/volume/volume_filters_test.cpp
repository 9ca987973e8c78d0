#include "volume/volume_filters.h"

#include <gtest/gtest.h>

namespace berth::volume {
namespace {

std::string error_of(const std::vector<std::string>& filters, FilterUse use) {
  auto query = parse_volume_filters(filters, use);
  return query ? "" : query.error().message;
}

TEST(VolumeFilters, FlagValuesAreNormalizedAsDockersParseFlag) {
  EXPECT_EQ(*normalize_filter_flag(" Dangling = true "), "dangling=true");
  EXPECT_EQ(*normalize_filter_flag("label=a=b"), "label=a=b");
  auto bad = normalize_filter_flag("dangling");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message, "bad format of filter (expected name=value)");
}

TEST(VolumeFilters, RejectsUnknownAndMalformedFilters) {
  EXPECT_EQ(error_of({"foo=bar"}, FilterUse::list), "invalid filter 'foo'");
  EXPECT_EQ(error_of({"all=true"}, FilterUse::list), "invalid filter 'all'");
  EXPECT_EQ(error_of({"label!=a"}, FilterUse::list), "invalid filter 'label!'");
  EXPECT_EQ(error_of({"dangling=maybe"}, FilterUse::list), "invalid filter 'dangling=[maybe]'");
  EXPECT_EQ(error_of({"dangling=true", "dangling=false"}, FilterUse::list), "invalid filter 'dangling=[false true]'");
  EXPECT_EQ(error_of({"dangling=yes"}, FilterUse::list), "invalid filter 'dangling=[yes]'");
  EXPECT_EQ(error_of({"name=x"}, FilterUse::prune), "invalid filter 'name'");
  EXPECT_EQ(error_of({"dangling=true"}, FilterUse::prune), "invalid filter 'dangling'");
  EXPECT_EQ(error_of({"all=0", "all=1"}, FilterUse::prune), "invalid filter 'all=[0 1]': only one value is expected");
  EXPECT_EQ(error_of({"all=sure"}, FilterUse::prune),
            "invalid filter 'all': strconv.ParseBool: parsing \"sure\": invalid syntax");
  EXPECT_EQ(error_of({"nonsense"}, FilterUse::list), "bad format of filter (expected name=value)");
}

TEST(VolumeFilters, DanglingAndAllValues) {
  EXPECT_EQ(parse_volume_filters({"dangling=1"}, FilterUse::list)->dangling, true);
  EXPECT_EQ(parse_volume_filters({"dangling=false"}, FilterUse::list)->dangling, false);
  EXPECT_FALSE(parse_volume_filters({}, FilterUse::list)->dangling.has_value());
  EXPECT_TRUE(parse_volume_filters({"all=T"}, FilterUse::prune)->all);
  EXPECT_FALSE(parse_volume_filters({"all=false"}, FilterUse::prune)->all);
}

TEST(VolumeFilters, MatchesNamesDriversAndLabels) {
  std::map<std::string, std::string> labels{{"tier", "db"}, {"flag", ""}};
  auto matches = [&](const std::vector<std::string>& filters, const std::string& name = "app-data",
                     FilterUse use = FilterUse::list) {
    auto query = parse_volume_filters(filters, use);
    EXPECT_TRUE(query) << query.error().message;
    return volume_matches(*query, name, "local", labels);
  };
  EXPECT_TRUE(matches({}));
  EXPECT_TRUE(matches({"name=data"}));
  EXPECT_TRUE(matches({"name=^app"}));
  EXPECT_TRUE(matches({"name=data$"}));
  EXPECT_TRUE(matches({"name=^app-data$"}));
  EXPECT_FALSE(matches({"name=^data"}));
  EXPECT_FALSE(matches({"name=other"}));
  EXPECT_TRUE(matches({"name=other", "name=app"}));  // any of several
  EXPECT_TRUE(matches({"driver=local"}));
  EXPECT_FALSE(matches({"driver=nfs"}));
  EXPECT_TRUE(matches({"label=tier"}));
  EXPECT_TRUE(matches({"label=tier=db", "label=flag"}));
  EXPECT_FALSE(matches({"label=tier=web"}));
  EXPECT_FALSE(matches({"label=tier=db", "label=missing"}));  // all must match
  EXPECT_FALSE(matches({"label!=tier=db"}, "app-data", FilterUse::prune));
  EXPECT_TRUE(matches({"label!=tier=web"}, "app-data", FilterUse::prune));
  auto query = parse_volume_filters({"label=tier"}, FilterUse::list);
  EXPECT_FALSE(volume_matches(*query, "x1", "local", {}));  // no labels at all
}

}  // namespace
}  // namespace berth::volume
