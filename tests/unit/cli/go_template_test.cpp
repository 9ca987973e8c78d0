// Expected outputs are what Go's text/template (with docker's functions) prints
// for the same template over the same data decoded as docker types it.
#include "cli/go_template.h"

#include <gtest/gtest.h>

namespace berth::cli {
namespace {

const nlohmann::json image = nlohmann::json::parse(R"({
  "Id": "sha256:abc",
  "RepoTags": ["busybox:latest", "busybox:1.36"],
  "Size": 4261000,
  "Config": {"Cmd": ["sh"], "Labels": {"b": "2", "a": "<1>"}, "Env": null, "Tty": false},
  "Os": "linux",
  "List": ["a", "b", "c", "d"],
  "Empty": [],
  "Ratio": 1.5,
  "Nested": {"x": {"y": {"z": "deep"}}}
})");

std::string run(std::string_view text, const nlohmann::json& data = image, TemplateOptions options = {}) {
  auto parsed = Template::parse(text);
  if (!parsed) return "parse error: " + parsed.error().message;
  auto out = parsed->execute(data, options);
  if (!out) return "exec error: " + out.error().message;
  return *out;
}

TEST(GoTemplate, Fields) {
  EXPECT_EQ(run("{{.Id}}"), "sha256:abc");
  EXPECT_EQ(run("{{.Config.Cmd}}"), "[sh]");
  EXPECT_EQ(run("{{.Size}}"), "4261000");
  EXPECT_EQ(run("{{.Config.Tty}}"), "false");
  EXPECT_EQ(run("{{ .Os }}/{{.RepoTags}}"), "linux/[busybox:latest busybox:1.36]");
  EXPECT_EQ(run("{{.Config.Labels}}"), "map[a:<1> b:2]");
  EXPECT_EQ(run("{{.Config.Env}}"), "<nil>");
  EXPECT_EQ(run("{{.Nested.x.y.z}}"), "deep");
  EXPECT_EQ(run("{{.Ratio}}"), "1.5");
  EXPECT_EQ(run("{{.}}", nlohmann::json{{"k", 1}}), "map[k:1]");
  EXPECT_EQ(run("{{$}}", nlohmann::json{{"k", "v"}}), "map[k:v]");
  EXPECT_EQ(run("{{(.Config).Cmd}}"), "[sh]");
  EXPECT_EQ(run("{{(index .Nested \"x\").y.z}}"), "deep");
}

TEST(GoTemplate, MissingKeysPrintNoValueUnlessStrict) {
  EXPECT_EQ(run("{{.Nope}}"), "<no value>");
  EXPECT_EQ(run("{{.Config.Nope}}"), "<no value>");
  EXPECT_EQ(run("{{.Nope.Deeper}}"), "<no value>");
  EXPECT_EQ(run("{{.Config.Env.X}}"), "<no value>");
  EXPECT_EQ(run("{{.Nope}}", image, {.strict_fields = true}),
            "exec error: template: :1:2: executing \"\" at <.Nope>: can't evaluate field Nope");
  EXPECT_EQ(run("{{.Os.Name}}"),
            "exec error: template: :1:2: executing \"\" at <.Os.Name>: can't evaluate field Name in type string");
  EXPECT_EQ(run("{{.Size.X}}"),
            "exec error: template: :1:2: executing \"\" at <.Size.X>: can't evaluate field X in type int");
  EXPECT_EQ(run("line one\n  {{.Os.X}}"),
            "exec error: template: :2:4: executing \"\" at <.Os.X>: can't evaluate field X in type string");
}

TEST(GoTemplate, TextTrimMarkersAndComments) {
  EXPECT_EQ(run("size={{.Size}} os={{.Os}}\n"), "size=4261000 os=linux\n");
  EXPECT_EQ(run("no actions"), "no actions");
  EXPECT_EQ(run(""), "");
  EXPECT_EQ(run("a  {{- .Os -}}  b"), "alinuxb");
  EXPECT_EQ(run("a  {{.Os -}}  b"), "a  linuxb");
  EXPECT_EQ(run("a \n\t {{- .Os}}"), "alinux");
  EXPECT_EQ(run("{{-3}}"), "-3");  // not a trim marker without the space
  EXPECT_EQ(run("{{- -3 -}}"), "-3");
  EXPECT_EQ(run("a{{/* a comment */}}b"), "ab");
  EXPECT_EQ(run("a \n {{- /* trimmed */ -}} \n b"), "ab");
  EXPECT_EQ(run("{{/* multi\nline */}}x"), "x");
  EXPECT_EQ(run("{{if true}}\n  {{- .Os}}\n{{- end}}"), "linux");
}

TEST(GoTemplate, Variables) {
  EXPECT_EQ(run("{{$x := .Os}}{{$x}}"), "linux");
  EXPECT_EQ(run("{{$x := 1}}{{if true}}{{$x = 2}}{{end}}{{$x}}"), "2");
  EXPECT_EQ(run("{{$x := 1}}{{if true}}{{$x := 2}}{{$x}}{{end}}{{$x}}"), "21");
  EXPECT_EQ(run("{{with $c := .Config}}{{$c.Cmd}}{{end}}"), "[sh]");
  EXPECT_EQ(run("{{$c := .Config}}{{$c.Labels.a}}"), "<1>");
  EXPECT_EQ(run("{{range .RepoTags}}{{$.Os}} {{end}}"), "linux linux ");
  EXPECT_EQ(run("{{$a, $b := 1}}"), "parse error: template: :1: too many declarations in command");
  EXPECT_EQ(run("{{$z}}"), "parse error: template: :1: undefined variable \"$z\"");
  EXPECT_EQ(run("{{if true}}{{$a := 1}}{{end}}{{$a}}"), "parse error: template: :1: undefined variable \"$a\"");
  EXPECT_EQ(run("{{$x = 1}}"), "exec error: template: :1:7: executing \"\" at <1>: undefined variable: $x");
}

TEST(GoTemplate, Pipelines) {
  EXPECT_EQ(run("{{.Os | upper}}"), "LINUX");
  EXPECT_EQ(run("{{.Os | printf \"%s-%s\" \"x\"}}"), "x-linux");
  EXPECT_EQ(run("{{.Os | upper | lower | title}}"), "Linux");
  EXPECT_EQ(run("{{join (split \"a,b\" \",\") \"+\"}}"), "a+b");
  EXPECT_EQ(run("{{.RepoTags | len}}"), "2");
  EXPECT_EQ(run("{{.Os | \"x\"}}"), "parse error: template: :1: non executable command in pipeline stage 2");
  EXPECT_EQ(run("{{.Os | .Size}}"),
            "exec error: template: :1:8: executing \"\" at <.Size>: Size is not a method but has arguments");
  EXPECT_EQ(run("{{.Os 1}}"),
            "exec error: template: :1:2: executing \"\" at <.Os>: Os is not a method but has arguments");
  EXPECT_EQ(run("{{1 2}}"), "exec error: template: :1:2: executing \"\" at <1>: can't give argument to non-function 1");
  EXPECT_EQ(run("{{.Os | 1}}"), "parse error: template: :1: non executable command in pipeline stage 2");
}

TEST(GoTemplate, IfElse) {
  EXPECT_EQ(run("{{if .Config.Tty}}t{{else if .Os}}os{{else}}none{{end}}"), "os");
  EXPECT_EQ(run("{{if .Config.Tty}}t{{else if .Nope}}x{{else}}none{{end}}"), "none");
  EXPECT_EQ(run("{{if not .Config.Tty}}no tty{{end}}"), "no tty");
  EXPECT_EQ(run("{{if .Empty}}x{{else}}empty{{end}}"), "empty");
  EXPECT_EQ(run("{{if .Config.Env}}x{{else}}nil{{end}}"), "nil");
  EXPECT_EQ(run("{{if .Config.Labels}}labels{{end}}"), "labels");
  EXPECT_EQ(run("{{if 0}}x{{else}}zero{{end}}{{if 0.0}}x{{else}}fzero{{end}}{{if \"\"}}x{{else}}empty{{end}}"),
            "zerofzeroempty");
  EXPECT_EQ(run("{{if and .Os .Size}}both{{end}}"), "both");
  EXPECT_EQ(run("{{if or .Nope \"\"}}y{{else}}n{{end}}"), "n");
  EXPECT_EQ(run("{{and 1 0 2}} {{and 1 2}} {{or 0 \"\" \"x\"}} {{or 0 \"\"}}"), "0 2 x ");
  // and/or stop at the deciding argument: the erroring index is never called.
  EXPECT_EQ(run("{{and false (index .RepoTags 99)}}"), "false");
  EXPECT_EQ(run("{{or true (index .RepoTags 99)}}"), "true");
  EXPECT_EQ(run("{{if .Os}}a{{else}}b{{else}}c{{end}}"), "parse error: template: :1: expected end; found {{else}}");
  EXPECT_EQ(run("{{range .List}}{{else if true}}{{end}}"), "parse error: template: :1: unexpected <if> in input");
}

TEST(GoTemplate, Range) {
  EXPECT_EQ(run("{{range .RepoTags}}[{{.}}]{{end}}"), "[busybox:latest][busybox:1.36]");
  EXPECT_EQ(run("{{range $i, $t := .RepoTags}}{{$i}}={{$t}} {{end}}"), "0=busybox:latest 1=busybox:1.36 ");
  EXPECT_EQ(run("{{range $t := .RepoTags}}{{$t}};{{end}}"), "busybox:latest;busybox:1.36;");
  EXPECT_EQ(run("{{range $k, $v := .Config.Labels}}{{$k}}={{$v}};{{end}}"), "a=<1>;b=2;");
  EXPECT_EQ(run("{{range .Config.Labels}}{{.}};{{end}}"), "<1>;2;");
  EXPECT_EQ(run("{{range .Config.Env}}x{{else}}none{{end}}"), "none");
  EXPECT_EQ(run("{{range .Nope}}x{{else}}missing{{end}}"), "missing");
  EXPECT_EQ(run("{{range .Empty}}x{{else}}empty{{end}}"), "empty");
  EXPECT_EQ(run("{{range $i, $v := .List}}{{if eq $i 2}}{{break}}{{end}}{{$v}}{{end}}"), "ab");
  EXPECT_EQ(run("{{range .List}}{{if eq . \"b\"}}{{continue}}{{end}}{{.}}{{end}}"), "acd");
  EXPECT_EQ(run("{{range 3}}{{.}}{{end}}"), "012");
  EXPECT_EQ(run("{{range $i := 2}}<{{$i}}>{{end}}"), "<0><1>");
  EXPECT_EQ(run("{{range 0}}x{{else}}none{{end}}"), "none");
  EXPECT_EQ(run("{{$v := 0}}{{range $v = .List}}{{end}}{{$v}}"), "d");
  EXPECT_EQ(run("{{range .List}}{{range $.RepoTags}}.{{end}}{{end}}"), "........");
  EXPECT_EQ(run("{{range .Os}}{{end}}"),
            "exec error: template: :1:8: executing \"\" at <.Os>: range can't iterate over linux");
  EXPECT_EQ(run("{{break}}"), "parse error: template: :1: {{break}} outside {{range}}");
  EXPECT_EQ(run("{{continue}}"), "parse error: template: :1: {{continue}} outside {{range}}");
  EXPECT_EQ(run("{{range $a, $b, $c := .List}}{{end}}"), "parse error: template: :1: too many declarations in range");
  EXPECT_EQ(run("{{range $a, 1 := .List}}{{end}}"), "parse error: template: :1: range can only initialize variables");
}

TEST(GoTemplate, With) {
  EXPECT_EQ(run("{{with .Config}}{{.Cmd}}{{end}}"), "[sh]");
  EXPECT_EQ(run("{{with .Nope}}x{{else}}y{{end}}"), "y");
  EXPECT_EQ(run("{{with .Nope}}x{{else with .Os}}{{.}}{{end}}"), "linux");
  EXPECT_EQ(run("{{with .Config.Env}}x{{else}}nil env{{end}}"), "nil env");
  EXPECT_EQ(run("{{with $a, $b := .}}{{end}}"), "parse error: template: :1: too many declarations in with");
}

TEST(GoTemplate, Literals) {
  EXPECT_EQ(run("{{\"a\\tb\\n\\u00e9\\x41\\101\"}}"),
            "a\tb\n\xc3\xa9"
            "AA");
  EXPECT_EQ(run("{{`raw\\n`}}"), "raw\\n");
  EXPECT_EQ(run("{{'a'}} {{'\\n'}}"), "97 10");
  EXPECT_EQ(run("{{1.5}} {{0x10}} {{1e3}} {{-2}} {{+7}} {{1_000}} {{0o17}} {{0b101}} {{017}}"),
            "1.5 16 1000 -2 7 1000 15 5 15");
  EXPECT_EQ(run("{{true}} {{false}}"), "true false");
  EXPECT_EQ(run("{{print nil}}"), "<nil>");
  EXPECT_EQ(run("{{nil}}"), "exec error: template: :1:2: executing \"\" at <nil>: nil is not a command");
  EXPECT_EQ(run("{{\"\\q\"}}"), "parse error: template: :1: invalid syntax");
  EXPECT_EQ(run("{{99999999999999999999}}"), "parse error: template: :1: integer overflow: \"99999999999999999999\"");
  EXPECT_EQ(run("{{18446744073709551615}}"),
            "exec error: template: :1:2: executing \"\" at <18446744073709551615>: 18446744073709551615 overflows int");
  EXPECT_EQ(run("{{3abc}}"), "parse error: template: :1: bad number syntax: \"3a\"");
  EXPECT_EQ(run("{{'ab'}}"), "parse error: template: :1: malformed character constant: 'ab'");
  EXPECT_EQ(run("{{1.}}"), "1");
  EXPECT_EQ(run("{{\"x\".Foo}}"), "parse error: template: :1: unexpected . after term \"\\\"x\\\"\"");
}

TEST(GoTemplate, Comparisons) {
  EXPECT_EQ(run("{{eq .Os \"linux\"}} {{eq .Os \"a\" \"linux\"}} {{eq .Os \"a\"}}"), "true true false");
  EXPECT_EQ(run("{{eq .Size 4261000}} {{ne 1 2}} {{lt 1 2}} {{le 2 2}} {{gt \"b\" \"a\"}} {{ge 1 2}}"),
            "true true true true true false");
  EXPECT_EQ(run("{{eq .Nope .Nope2}} {{eq true true}} {{lt 1.5 2.5}}"), "true true true");
  EXPECT_EQ(run("{{eq .Os 1}}"),
            "exec error: template: :1:2: executing \"\" at <eq .Os 1>: error calling eq: incompatible types for "
            "comparison");
  EXPECT_EQ(run("{{lt 1.5 2}}"),
            "exec error: template: :1:2: executing \"\" at <lt 1.5 2>: error calling lt: incompatible types for "
            "comparison");
  EXPECT_EQ(run("{{lt true false}}"),
            "exec error: template: :1:2: executing \"\" at <lt true false>: error calling lt: invalid type for "
            "comparison");
  EXPECT_EQ(run("{{eq .List .List}}"),
            "exec error: template: :1:2: executing \"\" at <eq .List .List>: error calling eq: uncomparable type "
            "[]interface {}: [a b c d]");
  EXPECT_EQ(run("{{eq .Os}}"),
            "exec error: template: :1:2: executing \"\" at <eq .Os>: error calling eq: missing argument for "
            "comparison");
  EXPECT_EQ(run("{{eq .Os nil}}"),
            "exec error: template: :1:9: executing \"\" at <nil>: cannot assign nil to reflect.Value");
  EXPECT_EQ(run("{{ne 1}}"),
            "exec error: template: :1:2: executing \"\" at <ne>: wrong number of args for ne: want 2 got 1");
}

TEST(GoTemplate, LenIndexSlice) {
  EXPECT_EQ(run("{{len .RepoTags}} {{len .Os}} {{len .Config.Labels}} {{len \"é\"}}"), "2 5 2 2");
  EXPECT_EQ(run("{{len .Size}}"),
            "exec error: template: :1:2: executing \"\" at <len .Size>: error calling len: len of type int");
  EXPECT_EQ(run("{{len .Nope}}"),
            "exec error: template: :1:2: executing \"\" at <len .Nope>: error calling len: len of untyped nil");
  EXPECT_EQ(run("{{index .RepoTags 1}} {{index .Config.Labels \"a\"}} {{index .Nested \"x\" \"y\" \"z\"}}"),
            "busybox:1.36 <1> deep");
  EXPECT_EQ(run("[{{index .Config.Labels \"zz\"}}]"), "[]");  // docker's map[string]string gives ""
  EXPECT_EQ(run("{{index .Os 0}}"), "108");                   // a byte, as Go prints uint8
  EXPECT_EQ(run("{{index .RepoTags 5}}"),
            "exec error: template: :1:2: executing \"\" at <index .RepoTags 5>: error calling index: index out of "
            "range: 5");
  EXPECT_EQ(run("{{index .RepoTags -1}}"),
            "exec error: template: :1:2: executing \"\" at <index .RepoTags -1>: error calling index: index out of "
            "range: -1");
  EXPECT_EQ(run("{{index .RepoTags 2}}"),
            "exec error: template: :1:2: executing \"\" at <index .RepoTags 2>: error calling index: reflect: slice "
            "index out of range");
  EXPECT_EQ(run("{{index .Size 0}}"),
            "exec error: template: :1:2: executing \"\" at <index .Size 0>: error calling index: can't index item of "
            "type int");
  EXPECT_EQ(run("{{index .RepoTags \"a\"}}"),
            "exec error: template: :1:2: executing \"\" at <index .RepoTags \"a\">: error calling index: cannot index "
            "slice/array with type string");
  EXPECT_EQ(run("{{index .Config.Labels 1}}"),
            "exec error: template: :1:2: executing \"\" at <index .Config.Labels 1>: error calling index: value has "
            "type int; should be string");
  EXPECT_EQ(run("{{index .Nope 0}}"),
            "exec error: template: :1:2: executing \"\" at <index .Nope 0>: error calling index: index of untyped nil");
  EXPECT_EQ(run("{{index .RepoTags}}"), "[busybox:latest busybox:1.36]");
  EXPECT_EQ(run("{{slice .Os 1 3}} {{slice .List 1}} {{slice .List}} {{slice .List 1 2}}"), "in [b c d] [a b c d] [b]");
  EXPECT_EQ(run("{{slice .Os 3 1}}"),
            "exec error: template: :1:2: executing \"\" at <slice .Os 3 1>: error calling slice: invalid slice index: "
            "3 > 1");
  EXPECT_EQ(run("{{slice .Os 0 9}}"),
            "exec error: template: :1:2: executing \"\" at <slice .Os 0 9>: error calling slice: index out of range: "
            "9");
  EXPECT_EQ(run("{{slice .Os 0 1 2}}"),
            "exec error: template: :1:2: executing \"\" at <slice .Os 0 1 2>: error calling slice: cannot 3-index "
            "slice a string");
  EXPECT_EQ(run("{{slice .Size 0}}"),
            "exec error: template: :1:2: executing \"\" at <slice .Size 0>: error calling slice: can't slice item of "
            "type int");
}

TEST(GoTemplate, Print) {
  EXPECT_EQ(run("{{print \"a\" \"b\"}}|{{print 1 2}}|{{print \"a\" 1 2 \"b\"}}"), "ab|1 2|a1 2b");
  EXPECT_EQ(run("{{println \"a\" 1}}"), "a 1\n");
  EXPECT_EQ(run("{{print .Nope}}"), "<nil>");
  EXPECT_EQ(run("{{print .RepoTags .Config.Labels}}"), "[busybox:latest busybox:1.36] map[a:<1> b:2]");
  EXPECT_EQ(run("{{html \"<a href='x'>&\"}}"), "&lt;a href=&#39;x&#39;&gt;&amp;");
  EXPECT_EQ(run("{{urlquery \"a b&c/é\"}}"), "a+b%26c%2F%C3%A9");
  EXPECT_EQ(run("{{js \"it's <b>\"}}"), "it\\'s \\x3Cb\\x3E");
  EXPECT_EQ(run("{{html .Nope}}"), "&lt;no value&gt;");
}

TEST(GoTemplate, Printf) {
  EXPECT_EQ(run("{{printf \"%d\" .Size}}"), "4261000");
  EXPECT_EQ(run("{{printf \"%5d|%-5d|%05d|%+d|% d\" 42 42 42 42 42}}"), "   42|42   |00042|+42| 42");
  EXPECT_EQ(run("{{printf \"%x %X %o %b %#x %#o %O\" 255 255 8 5 255 8 8}}"), "ff FF 10 101 0xff 010 0o10");
  EXPECT_EQ(run("{{printf \"%05d|%.3d|%-05d|\" -42 7 3}}"), "-0042|007|3    |");
  EXPECT_EQ(run("{{printf \"%q\" .Os}}"), "\"linux\"");
  EXPECT_EQ(run("{{printf \"%q\" \"a\\\"b\\n\\x01\"}}"), "\"a\\\"b\\n\\x01\"");
  EXPECT_EQ(run("{{printf \"%#q\" \"abc\"}}"), "`abc`");
  EXPECT_EQ(run("{{printf \"%v\" .RepoTags}}"), "[busybox:latest busybox:1.36]");
  EXPECT_EQ(run("{{printf \"%s\" .Config.Labels}}"), "map[a:<1> b:2]");
  EXPECT_EQ(run("{{printf \"%q\" .RepoTags}}"), "[\"busybox:latest\" \"busybox:1.36\"]");
  EXPECT_EQ(run("{{printf \"%6s|\" .List}}"), "[     a      b      c      d]|");
  EXPECT_EQ(run("{{printf \"%.2f|%8.3f|%-8.1f|%08.2f|%+.1f\" 3.14159 3.14159 2.5 -3.5 1.0}}"),
            "3.14|   3.142|2.5     |-0003.50|+1.0");
  EXPECT_EQ(run("{{printf \"%.0f %.0f %.1f\" 2.5 3.5 0.25}}"), "2 4 0.2");
  EXPECT_EQ(run("{{printf \"%e|%E|%.2e\" 1234.5678 0.000123 5.0}}"), "1.234568e+03|1.230000E-04|5.00e+00");
  EXPECT_EQ(run("{{printf \"%g|%g|%g|%g|%.3g|%G\" 1234.5678 0.00001234 1e21 100000.0 3.14159 1e-7}}"),
            "1234.5678|1.234e-05|1e+21|100000|3.14|1E-07");
  EXPECT_EQ(run("{{printf \"%v|%v|%v\" 1.5 2.0 0.000001}}"), "1.5|2|1e-06");
  EXPECT_EQ(run("{{printf \"%t|%v|%5t|\" true false true}}"), "true|false| true|");
  EXPECT_EQ(run("{{printf \"100%%\"}}"), "100%");
  EXPECT_EQ(run("{{printf \"%.3s|%-8s|%8s|%5.1s|\" \"abcdef\" \"ab\" \"é\" \"xyz\"}}"), "abc|ab      |       é|    x|");
  EXPECT_EQ(run("{{printf \"%x|% x|%#x|%X\" \"hi\" \"hi\" \"hi\" \"\\xff\"}}"), "6869|68 69|0x6869|FF");
  EXPECT_EQ(run("{{printf \"%c|%q|%U|%#U\" 65 65 233 233}}"), "A|'A'|U+00E9|U+00E9 'é'");
  EXPECT_EQ(run("{{printf \"%T %T %T %T %T %T\" .Os .Size 1.5 true .List .Config.Labels}}"),
            "string int float64 bool []interface {} map[string]interface {}");
  EXPECT_EQ(run("{{printf \"%*d|%-*d|\" 5 1 4 2}}"), "    1|2   |");
  EXPECT_EQ(run("{{printf \"%[2]s %[1]s\" \"a\" \"b\"}}"), "b a");
  EXPECT_EQ(run("{{printf \"%#v|%#v|%#v\" .Os .List .Size}}"),
            "\"linux\"|[]interface {}{\"a\", \"b\", \"c\", \"d\"}|4261000");
}

TEST(GoTemplate, PrintfMistakesPrintLikeGo) {
  EXPECT_EQ(run("{{printf \"%d\" \"x\"}}"), "%!d(string=x)");
  EXPECT_EQ(run("{{printf \"%d\"}}"), "%!d(MISSING)");
  EXPECT_EQ(run("{{printf \"%d\" 1 2 \"x\"}}"), "1%!(EXTRA int=2, string=x)");
  EXPECT_EQ(run("{{printf \"%s\" nil}} {{printf \"%v\" nil}} {{printf \"%d\" .Nope}}"), "%!s(<nil>) <nil> %!d(<nil>)");
  EXPECT_EQ(run("{{printf \"%z\" 3}}"), "%!z(int=3)");
  EXPECT_EQ(run("{{printf \"%f\" 3}}"), "%!f(int=3)");
  EXPECT_EQ(run("{{printf \"%d\" .List}}"), "[%!d(string=a) %!d(string=b) %!d(string=c) %!d(string=d)]");
  EXPECT_EQ(run("{{printf \"%\"}}"), "%!(NOVERB)");
  EXPECT_EQ(run("{{printf \"%*d\" \"x\" 1}}"), "%!(BADWIDTH)1");
  EXPECT_EQ(run("{{printf \"%[3]d\" 1}}"), "%!d(BADINDEX)");
}

TEST(GoTemplate, DockerFunctions) {
  EXPECT_EQ(run("{{json .Config.Labels}}"), R"({"a":"<1>","b":"2"})");
  EXPECT_EQ(run("{{json .RepoTags}}"), R"(["busybox:latest","busybox:1.36"])");
  EXPECT_EQ(run("{{json .Os}} {{json .Size}} {{json .Config.Env}} {{json .Nope}}"), R"("linux" 4261000 null null)");
  nlohmann::json row{{"Tag", "<none>"}};
  EXPECT_EQ(run("{{json .}}", row), R"({"Tag":"<none>"})");
  EXPECT_EQ(run("{{json .}}", row, {.escape_html_in_root_json = true}), R"({"Tag":"\u003cnone\u003e"})");
  EXPECT_EQ(run("{{json .Tag}}", row, {.escape_html_in_root_json = true}), R"("<none>")");
  EXPECT_EQ(run("{{join .RepoTags \", \"}}"), "busybox:latest, busybox:1.36");
  EXPECT_EQ(run("[{{join .Config.Env \",\"}}]"), "[]");
  EXPECT_EQ(run("{{split \"a:b:c\" \":\"}} {{index (split .Id \":\") 1}} {{len (split \"\" \",\")}}"), "[a b c] abc 1");
  EXPECT_EQ(run("{{split \"héj\" \"\"}}"), "[h é j]");
  EXPECT_EQ(run("{{title \"hello wide-world_x 3d\"}}"), "Hello Wide-World_x 3d");
  EXPECT_EQ(run("{{upper \"abc-Déf ω ж\"}} {{lower \"ABC-ÀΩЖ\"}}"), "ABC-DÉF Ω Ж abc-àωж");
  EXPECT_EQ(run("{{pad \"ab\" 2 3}}|{{pad \"\" 2 2}}|"), "  ab   ||");
  EXPECT_EQ(run("{{truncate \"abcdef\" 3}} {{truncate \"ab\" 5}} {{truncate \"ab\" 2}} [{{truncate \"ab\" 0}}]"),
            "abc ab ab []");
  EXPECT_EQ(run("{{.Id | truncate 5}}"),
            "exec error: template: :1:17: executing \"\" at <5>: expected string; found 5");
}

TEST(GoTemplate, FunctionArgumentErrors) {
  EXPECT_EQ(run("{{foo}}"), "parse error: template: :1: function \"foo\" not defined");
  EXPECT_EQ(run("{{.Os | foo}}"), "parse error: template: :1: function \"foo\" not defined");
  EXPECT_EQ(run("{{len}}"),
            "exec error: template: :1:2: executing \"\" at <len>: wrong number of args for len: want 1 got 0");
  EXPECT_EQ(run("{{len 1 2}}"),
            "exec error: template: :1:2: executing \"\" at <len>: wrong number of args for len: want 1 got 2");
  EXPECT_EQ(run("{{printf}}"),
            "exec error: template: :1:2: executing \"\" at <printf>: wrong number of args for printf: want at least 1 "
            "got 0");
  EXPECT_EQ(run("{{and}}"),
            "exec error: template: :1:2: executing \"\" at <and>: wrong number of args for and: want at least 1 got 0");
  EXPECT_EQ(run("{{printf 3}}"), "exec error: template: :1:9: executing \"\" at <3>: expected string; found 3");
  EXPECT_EQ(run("{{upper 3}}"), "exec error: template: :1:8: executing \"\" at <3>: expected string; found 3");
  EXPECT_EQ(run("{{upper .Size}}"),
            "exec error: template: :1:8: executing \"\" at <.Size>: wrong type for value; expected string; got int");
  EXPECT_EQ(run("{{upper .Nope}}"),
            "exec error: template: :1:8: executing \"\" at <.Nope>: invalid value; expected string");
  EXPECT_EQ(run("{{join .Os \",\"}}"),
            "exec error: template: :1:7: executing \"\" at <.Os>: wrong type for value; expected []string; got string");
  EXPECT_EQ(run("{{join \"a\" \",\"}}"),
            "exec error: template: :1:7: executing \"\" at <\"a\">: can't handle \"a\" for arg of type []string");
  EXPECT_EQ(run("{{pad \"x\" \"a\" 1}}"),
            "exec error: template: :1:10: executing \"\" at <\"a\">: expected integer; found \"a\"");
  EXPECT_EQ(
      run("{{pad \"x\" -1 0}}"),
      "exec error: template: :1:2: executing \"\" at <pad \"x\" -1 0>: error calling pad: strings: negative Repeat "
      "count");
  EXPECT_EQ(
      run("{{truncate \"ab\" -1}}"),
      "exec error: template: :1:2: executing \"\" at <truncate \"ab\" -1>: error calling truncate: runtime error: "
      "slice bounds out of range [:-1]");
  EXPECT_NE(run("{{call .Os}}").find("error calling call: non-function"), std::string::npos);
}

TEST(GoTemplate, ParseErrors) {
  EXPECT_EQ(run("{{.Os"), "parse error: template: :1: unclosed action");
  EXPECT_EQ(run("{{.Os\n\n"), "parse error: template: :3: unclosed action started at :1");
  EXPECT_EQ(run("{{if .Os}}x"), "parse error: template: :1: unexpected EOF");
  EXPECT_EQ(run("{{end}}"), "parse error: template: :1: unexpected {{end}}");
  EXPECT_EQ(run("{{else}}"), "parse error: template: :1: unexpected {{else}}");
  EXPECT_EQ(run("{{.Os}}\n{{end}}"), "parse error: template: :2: unexpected {{end}}");
  EXPECT_EQ(run("{{}}"), "parse error: template: :1: missing value for command");
  EXPECT_EQ(run("{{if}}{{end}}"), "parse error: template: :1: missing value for if");
  EXPECT_EQ(run("{{range}}{{end}}"), "parse error: template: :1: missing value for range");
  EXPECT_EQ(run("{{with}}{{end}}"), "parse error: template: :1: missing value for with");
  EXPECT_EQ(run("{{\"abc}}"), "parse error: template: :1: unterminated quoted string");
  EXPECT_EQ(run("{{`abc}}"), "parse error: template: :1: unterminated raw quoted string");
  EXPECT_EQ(run("{{'a}}"), "parse error: template: :1: unterminated character constant");
  EXPECT_EQ(run("{{/* x }}"), "parse error: template: :1: unclosed comment");
  EXPECT_EQ(run("{{/* x */ }}"), "parse error: template: :1: comment ends before closing delimiter");
  EXPECT_EQ(run("{{(.Os}}"), "parse error: template: :1: unclosed left paren");
  EXPECT_EQ(run("{{.Os)}}"), "parse error: template: :1: unexpected right paren");
  EXPECT_EQ(run("{{.Os @}}"), "parse error: template: :1: unexpected \"@\" in operand");
  EXPECT_EQ(run("{{.Os \x01}}"), "parse error: template: :1: unrecognized character in action: U+0001");
  EXPECT_EQ(run("{{.Os:}}"), "parse error: template: :1: expected :=");
  EXPECT_EQ(run("{{.Os#}}"), "parse error: template: :1: bad character U+0023 '#'");
  EXPECT_EQ(run("{{.Os.}}"), "parse error: template: :1: unexpected <.> in operand");
  EXPECT_EQ(run("{{| .Os}}"), "parse error: template: :1: unexpected \"|\" in command");
  EXPECT_EQ(run("{{if .Os}}{{end}}{{end}}"), "parse error: template: :1: unexpected {{end}}");
  EXPECT_EQ(run("{{end x}}"), "parse error: template: :1: unexpected \"x\" in end");
  EXPECT_EQ(run("{{template \"x\"}}"),
            "parse error: template: :1: {{template}} is not supported: a --format template is a single template");
  EXPECT_EQ(run("{{define \"x\"}}{{end}}"),
            "parse error: template: :1: {{define}} is not supported: a --format template is a single template");
  // Go reports the first problem it reaches, even when a later one would be a lexing error.
  EXPECT_EQ(run("{{end}}{{\"unterminated"), "parse error: template: :1: unexpected {{end}}");
  EXPECT_EQ(run("{{.Os}} {{\"unterminated"), "parse error: template: :1: unterminated quoted string");
  EXPECT_EQ(run("{{printf \"a string longer than ten\" | foo}}"),
            "parse error: template: :1: function \"foo\" not defined");
  EXPECT_EQ(run("{{.A \"a string longer than ten\" )}}"), "parse error: template: :1: unexpected right paren");
}

TEST(GoTemplate, HostileTemplatesFailCleanly) {
  // Nesting is capped, so neither the parser nor the executor recurses without bound.
  std::string deep_ifs;
  for (int i = 0; i < 100; ++i) deep_ifs += "{{if true}}";
  deep_ifs += "x";
  for (int i = 0; i < 100; ++i) deep_ifs += "{{end}}";
  EXPECT_EQ(run(deep_ifs), "x");
  std::string too_deep = "{{if true}}" + deep_ifs + "{{end}}";
  EXPECT_EQ(run(too_deep),
            "parse error: template: :1: template nested too deeply (more than 100 levels of blocks and parentheses)");
  std::string parens = "{{" + std::string(100000, '(') + "1" + std::string(100000, ')') + "}}";
  EXPECT_EQ(run(parens),
            "parse error: template: :1: template nested too deeply (more than 100 levels of blocks and parentheses)");
  std::string unclosed_ifs;
  for (int i = 0; i < 100000; ++i) unclosed_ifs += "{{range .List}}";
  EXPECT_NE(run(unclosed_ifs).find("nested too deeply"), std::string::npos);
  // Huge widths do not allocate: beyond ~10^6 fmt treats the directive as malformed, as Go does.
  EXPECT_EQ(run("{{printf \"%999999999d\" 5}}"), "%!(NOVERB)%!(EXTRA int=5)");
  EXPECT_EQ(run("{{printf \"%.999999999f\" 1.5}}"), "%!(NOVERB)%!(EXTRA float64=1.5)");
  EXPECT_EQ(run("{{printf \"%10000000d\" 5}}").size(), 10000000u);
  EXPECT_EQ(run("{{pad \"x\" 999999999 0}}"),
            "exec error: template: :1:2: executing \"\" at <pad \"x\" 999999999 0>: error calling pad: pad of more "
            "than 10000000 spaces");
  // Runaway loops stop at the step budget instead of spinning.
  EXPECT_EQ(run("{{range 1000000000000}}{{end}}"), "exec error: template: execution stopped after 10000000 steps");
  // Output is bounded too.
  EXPECT_EQ(run("{{range 20}}{{printf \"%10000000s\" \"\"}}{{end}}"), "exec error: template: output exceeds 64 MiB");
  // Arbitrary bytes never crash the lexer or parser.
  std::string garbage;
  for (int i = 0; i < 4096; ++i) garbage += char((i * 7919) % 256);
  for (size_t cut = 0; cut < garbage.size(); cut += 97) (void)run("{{" + garbage.substr(cut, 200) + "}}");
  EXPECT_EQ(run("{{\xff}}"), "parse error: template: :1: unrecognized character in action: U+FFFD '\xef\xbf\xbd'");
}

TEST(GoTemplate, FailedParseLeavesNothingToPrint) {
  auto parsed = Template::parse("prefix {{.Os}} {{end}}");
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error().message, "template: :1: unexpected {{end}}");
}

TEST(GoTemplate, PartialOutputOnlyOnRequest) {
  auto parsed = Template::parse("a{{.Os}}b{{.Os.X}}c");
  ASSERT_TRUE(parsed);
  EXPECT_FALSE(parsed->execute(image));
  EXPECT_EQ(parsed->execute_ignoring_errors(image), "alinuxb");
}

TEST(GoTemplate, HeaderFunctionsKeepTheColumnName) {
  nlohmann::json headers{{"Names", "NAMES"}, {"ID", "CONTAINER ID"}};
  TemplateOptions header{.header_functions = true};
  EXPECT_EQ(run("{{lower .Names}}|{{json .ID}}|{{truncate .ID 3}}|{{join .Names \",\"}}|{{split .Names \",\"}}",
                headers, header),
            "NAMES|CONTAINER ID|CONTAINER ID|NAMES|NAMES");
  EXPECT_EQ(run("{{pad .ID 1 1}}", headers, header), " CONTAINER ID ");  // pad is not a header function in docker
}

TEST(GoPrint, Values) {
  EXPECT_EQ(go_print_value(nlohmann::json::parse("[1, [2, 3], {\"x\": true}]")), "[1 [2 3] map[x:true]]");
  EXPECT_EQ(go_print_value(nlohmann::json(1.5)), "1.5");
  EXPECT_EQ(go_print_value(nlohmann::json(2.0)), "2");
  EXPECT_EQ(go_print_value(nlohmann::json(-0.000015)), "-1.5e-05");
  EXPECT_EQ(go_print_value(nlohmann::json(123456789.5)), "1.234567895e+08");
  EXPECT_EQ(go_print_value(nlohmann::json(1e6)), "1000000");
  EXPECT_EQ(go_print_value(nlohmann::json(-42)), "-42");
  EXPECT_EQ(go_print_value(nlohmann::json::parse("[null, \"a b\"]")), "[<nil> a b]");
  EXPECT_EQ(go_print_value(nlohmann::json::object()), "map[]");
  EXPECT_EQ(go_quote("tab\there \xff é \u2028"), "\"tab\\there \\xff é \\u2028\"");
}

}  // namespace
}  // namespace berth::cli
