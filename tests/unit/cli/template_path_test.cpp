#include "cli/template_path.h"

#include <gtest/gtest.h>

namespace berth::cli {
namespace {

const nlohmann::json image = nlohmann::json::parse(R"({
  "Id": "sha256:abc",
  "RepoTags": ["busybox:latest", "busybox:1.36"],
  "Size": 4261000,
  "Config": {"Cmd": ["sh"], "Labels": {"b": "2", "a": "<1>"}, "Env": null, "Tty": false},
  "Os": "linux"
})");

std::string run(std::string_view text, const nlohmann::json& data = image, TemplateOptions options = {}) {
  auto parsed = Template::parse(text);
  if (!parsed) return "parse error: " + parsed.error().message;
  auto out = parsed->execute(data, options);
  if (!out) return "exec error: " + out.error().message;
  return *out;
}

TEST(TemplatePath, Fields) {
  EXPECT_EQ(run("{{.Id}}"), "sha256:abc");
  EXPECT_EQ(run("{{.Config.Cmd}}"), "[sh]");
  EXPECT_EQ(run("{{.Size}}"), "4261000");
  EXPECT_EQ(run("{{.Config.Tty}}"), "false");
  EXPECT_EQ(run("{{ .Os }}/{{.RepoTags}}"), "linux/[busybox:latest busybox:1.36]");
  EXPECT_EQ(run("{{.Config.Labels}}"), "map[a:<1> b:2]");
  EXPECT_EQ(run("{{.Config.Env}}"), "<nil>");
}

TEST(TemplatePath, MissingKeysPrintNoValueUnlessStrict) {
  EXPECT_EQ(run("{{.Nope}}"), "<no value>");
  EXPECT_EQ(run("{{.Config.Nope}}"), "<no value>");
  EXPECT_EQ(run("{{.Nope}}", image, {.strict_fields = true}),
            "exec error: template: :1: executing \"\" at <.Nope>: can't evaluate field Nope");
  EXPECT_EQ(run("{{.Os.Name}}"),
            "exec error: template: :1: executing \"\" at <.Os.Name>: can't evaluate field Name "
            "in type string");
}

TEST(TemplatePath, Json) {
  EXPECT_EQ(run("{{json .Config.Labels}}"), R"({"a":"<1>","b":"2"})");
  EXPECT_EQ(run("{{json .RepoTags}}"), R"(["busybox:latest","busybox:1.36"])");
  EXPECT_EQ(run("{{json .Os}}"), R"("linux")");
  EXPECT_EQ(run("{{json .Nope}}"), "null");
  nlohmann::json row{{"Tag", "<none>"}};
  EXPECT_EQ(run("{{json .}}", row), R"({"Tag":"<none>"})");
  EXPECT_EQ(run("{{json .}}", row, {.escape_html_in_root_json = true}), R"({"Tag":"\u003cnone\u003e"})");
}

TEST(TemplatePath, DotAndLiteralText) {
  EXPECT_EQ(run("size={{.Size}} os={{.Os}}\n"), "size=4261000 os=linux\n");
  EXPECT_EQ(run("{{.}}", nlohmann::json{{"k", 1}}), "map[k:1]");
  EXPECT_EQ(run("no actions"), "no actions");
}

TEST(TemplatePath, TrimMarkers) {
  EXPECT_EQ(run("a  {{- .Os -}}  b"), "alinuxb");
  EXPECT_EQ(run("a  {{.Os -}}  b"), "a  linuxb");
}

TEST(TemplatePath, UnsupportedActionsAreParseErrors) {
  EXPECT_EQ(run("{{upper .Os}}"),
            "parse error: template: :1: {{upper .Os}}: only {{.Field}} and {{json .Field}} are supported until the "
            "template engine lands");
  EXPECT_EQ(run("{{range .RepoTags}}"),
            "parse error: template: :1: {{range .RepoTags}}: only {{.Field}} and "
            "{{json .Field}} are supported until the template engine lands");
  EXPECT_EQ(run("{{foo}}"), "parse error: template: :1: function \"foo\" not defined");
  EXPECT_EQ(run("{{.Os"), "parse error: template: :1: unclosed action");
  EXPECT_EQ(run("{{json .A .B}}"),
            "parse error: template: :1: {{json .A .B}}: only {{json .Field}} is supported until the template "
            "engine lands");
}

TEST(TemplatePath, GoValuePrinting) {
  EXPECT_EQ(go_print_value(nlohmann::json::parse("[1, [2, 3], {\"x\": true}]")), "[1 [2 3] map[x:true]]");
  EXPECT_EQ(go_print_value(nlohmann::json(1.5)), "1.5");
  EXPECT_EQ(go_print_value(nlohmann::json(2.0)), "2");
}

}  // namespace
}  // namespace berth::cli
