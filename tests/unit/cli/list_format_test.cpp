// --format for list commands as docker's formatter renders it: "table" with a
// header row aligned by tabwriter(minwidth 10, padding 3), bare templates,
// "json", and literal \t / \n in the flag.
#include "cli/list_format.h"

#include <gtest/gtest.h>

namespace berth::cli {
namespace {

const nlohmann::json headers{{"ID", "CONTAINER ID"}, {"Names", "NAMES"}, {"Size", "SIZE"}, {"Status", "STATUS"}};
constexpr std::string_view default_table = "table {{.ID}}\\t{{.Names}}\\t{{.Status}}";

std::vector<nlohmann::json> rows() {
  return {
      {{"ID", "0123456789ab"}, {"Names", "web"}, {"Size", "1.2kB"}, {"Status", "Up 2 hours"}},
      {{"ID", "ba9876543210"}, {"Names", "db-<primary>"}, {"Size", "0B"}, {"Status", "Exited (0)"}},
  };
}

std::string render(std::string_view format, const std::vector<nlohmann::json>& data = rows()) {
  auto out = render_list(format, {default_table, &headers}, data);
  return out ? *out : "error: " + out.error().message;
}

TEST(ListFormat, DefaultTableAlignsLikeDockersTabwriter) {
  EXPECT_EQ(render(""),
            "CONTAINER ID   NAMES          STATUS\n"
            "0123456789ab   web            Up 2 hours\n"
            "ba9876543210   db-<primary>   Exited (0)\n");
  EXPECT_EQ(render("table"), render(""));
}

TEST(ListFormat, CustomTableWithEscapedTabs) {
  EXPECT_EQ(render("table {{.Size}}\\t{{.Names}}"),
            "SIZE      NAMES\n"
            "1.2kB     web\n"
            "0B        db-<primary>\n");
  // A header shorter than minwidth 10 still gets a 10-wide column; padding is 3 past the widest cell.
  EXPECT_EQ(render("table {{.ID}}"), "CONTAINER ID\n0123456789ab\nba9876543210\n");
  EXPECT_EQ(render("table   {{.Names}}  "), "NAMES\nweb\ndb-<primary>\n");
}

TEST(ListFormat, TableWithNoRowsStillPrintsTheHeader) {
  EXPECT_EQ(render("", {}), "CONTAINER ID   NAMES     STATUS\n");
}

TEST(ListFormat, HeaderUsesDockersHeaderFunctions) {
  EXPECT_EQ(render("table {{lower .Names}}\\t{{truncate .ID 4}}"),
            "NAMES          CONTAINER ID\n"
            "web            0123\n"
            "db-<primary>   ba98\n");
  // A header cell the template cannot compute keeps what was written before it, as docker ignores the error.
  EXPECT_EQ(render("table {{.Names}}\\t{{.Names.X}}", {}), "NAMES     \n");
}

TEST(ListFormat, BareTemplatesPrintOneLinePerRow) {
  EXPECT_EQ(render("{{.Names}}: {{.Status}}"), "web: Up 2 hours\ndb-<primary>: Exited (0)\n");
  EXPECT_EQ(render("{{.Names}}\\n{{.ID}}"), "web\n0123456789ab\ndb-<primary>\nba9876543210\n");
  EXPECT_EQ(render("{{.Names}}\\t{{.ID}}"), "web\t0123456789ab\ndb-<primary>\tba9876543210\n");
  EXPECT_EQ(render("{{if eq .Names \"web\"}}{{upper .Names}}{{else}}-{{end}}"), "WEB\n-\n");
  EXPECT_EQ(render("{{range $k, $v := .}}{{$k}} {{end}}", {rows()[0]}), "ID Names Size Status \n");
}

TEST(ListFormat, JsonEscapesHtmlLikeDockersRows) {
  EXPECT_EQ(render("json", {rows()[1]}),
            "{\"ID\":\"ba9876543210\",\"Names\":\"db-\\u003cprimary\\u003e\",\"Size\":\"0B\",\"Status\":\"Exited "
            "(0)\"}\n");
  EXPECT_EQ(render("{{json .}}", {rows()[1]}), render("json", {rows()[1]}));
  EXPECT_EQ(render("{{json .Names}}", {rows()[1]}), "\"db-<primary>\"\n");
}

TEST(ListFormat, RowErrorsPrintNothing) {
  EXPECT_EQ(render("{{.Names}}{{.Nope}}"),
            "error: template parsing error: template: :1:12: executing \"\" at <.Nope>: can't evaluate field Nope");
  EXPECT_EQ(render("table {{.Names}}\\t{{.Names.X}}"),
            "error: template parsing error: template: :1:13: executing \"\" at <.Names.X>: can't evaluate field X in "
            "type string");
}

TEST(ListFormat, CheckRejectsMalformedFormatsUpFront) {
  EXPECT_TRUE(check_list_format(""));
  EXPECT_TRUE(check_list_format("json"));
  EXPECT_TRUE(check_list_format("table {{.ID}}\\t{{.Names}}"));
  auto unclosed = check_list_format("table {{.ID");
  ASSERT_FALSE(unclosed);
  EXPECT_EQ(unclosed.error().message, "template parsing error: template: :1: unclosed action");
  auto unknown = check_list_format("{{foo .ID}}");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().message, "template parsing error: template: :1: function \"foo\" not defined");
  auto stray_end = check_list_format("{{.ID}}{{end}}");
  ASSERT_FALSE(stray_end);
  EXPECT_EQ(stray_end.error().message, "template parsing error: template: :1: unexpected {{end}}");
}

}  // namespace
}  // namespace berth::cli
