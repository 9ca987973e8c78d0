// The value grammars behind docker's run/create flags (go-units, Go's time,
// strconv, encoding/csv and net), the env/label file reader, and the storage,
// network and security value parsers, with docker's error words.
#include "cli/flag_values.h"

#include <gtest/gtest.h>
#include <signal.h>

#include "cli/key_value_file.h"
#include "cli/mount_flag_values.h"
#include "cli/network_flags.h"
#include "cli/security_flags.h"

namespace berth::cli {
namespace {

std::string error_of(const auto& result) { return result ? std::string("<ok>") : result.error().message; }

TEST(RamInBytes, DockersBinaryUnits) {
  EXPECT_EQ(*ram_in_bytes("512m"), 512LL << 20);
  EXPECT_EQ(*ram_in_bytes("512M"), 512LL << 20);
  EXPECT_EQ(*ram_in_bytes("1.5g"), 1536LL << 20);
  EXPECT_EQ(*ram_in_bytes("10 KiB"), 10240);
  EXPECT_EQ(*ram_in_bytes("2kb"), 2048);
  EXPECT_EQ(*ram_in_bytes("100"), 100);
  EXPECT_EQ(*ram_in_bytes("100b"), 100);
  EXPECT_EQ(*ram_in_bytes("1t"), 1LL << 40);
  EXPECT_EQ(*ram_in_bytes("0"), 0);
  EXPECT_EQ(error_of(ram_in_bytes("")), "invalid size: ''");
  EXPECT_EQ(error_of(ram_in_bytes("m")), "invalid size: 'm'");
  EXPECT_EQ(error_of(ram_in_bytes("-1")), "invalid size: '-1'");
  EXPECT_EQ(error_of(ram_in_bytes("1q")), "invalid suffix: 'q'");
  EXPECT_EQ(error_of(ram_in_bytes("1kbb")), "invalid suffix: 'kbb'");
  EXPECT_EQ(error_of(ram_in_bytes("1KBBB")), "invalid suffix: 'KBBB'");
  EXPECT_EQ(error_of(ram_in_bytes("1bx")), "invalid suffix: 'bx'");
  EXPECT_EQ(error_of(ram_in_bytes("1mx")), "invalid suffix: 'mx'");
  EXPECT_EQ(error_of(ram_in_bytes("1.2.3")), "strconv.ParseFloat: parsing \"1.2.3\": invalid syntax");
  EXPECT_EQ(error_of(ram_in_bytes("99999999999p")), "invalid size: '99999999999p'");
  EXPECT_EQ(error_of(ram_in_bytes("1e999")), "strconv.ParseFloat: parsing \"1e999\": value out of range");
}

TEST(FromHumanSize, DecimalUnits) {
  EXPECT_EQ(*from_human_size("10m"), 10'000'000);
  EXPECT_EQ(*from_human_size("1k"), 1000);
  EXPECT_EQ(*from_human_size("1.5kb"), 1500);
  EXPECT_EQ(error_of(from_human_size("ten")), "invalid size: 'ten'");
}

TEST(GoDuration, ParsesAsTimeParseDuration) {
  EXPECT_EQ(*parse_go_duration("30s"), 30'000'000'000);
  EXPECT_EQ(*parse_go_duration("1m30s"), 90'000'000'000);
  EXPECT_EQ(*parse_go_duration("500ms"), 500'000'000);
  EXPECT_EQ(*parse_go_duration("1.5h"), 5'400'000'000'000);
  EXPECT_EQ(*parse_go_duration("-2s"), -2'000'000'000);
  EXPECT_EQ(*parse_go_duration("+3us"), 3'000);
  EXPECT_EQ(*parse_go_duration("3\xc2\xb5s"), 3'000);
  EXPECT_EQ(*parse_go_duration(".5s"), 500'000'000);
  EXPECT_EQ(*parse_go_duration("1.s"), 1'000'000'000);
  EXPECT_EQ(*parse_go_duration("0"), 0);
  EXPECT_EQ(*parse_go_duration("1h2m3s4ms5us6ns"), 3'723'004'005'006);
  EXPECT_EQ(error_of(parse_go_duration("")), "time: invalid duration \"\"");
  EXPECT_EQ(error_of(parse_go_duration("10")), "time: missing unit in duration \"10\"");
  EXPECT_EQ(error_of(parse_go_duration("10x")), "time: unknown unit \"x\" in duration \"10x\"");
  EXPECT_EQ(error_of(parse_go_duration("1h2")), "time: missing unit in duration \"1h2\"");
  EXPECT_EQ(error_of(parse_go_duration(".s")), "time: invalid duration \".s\"");
  EXPECT_EQ(error_of(parse_go_duration("s")), "time: invalid duration \"s\"");
  EXPECT_EQ(error_of(parse_go_duration("-")), "time: invalid duration \"-\"");
  EXPECT_EQ(error_of(parse_go_duration("9999999999h")), "time: invalid duration \"9999999999h\"");
  EXPECT_EQ(error_of(parse_go_duration("99999999999999999999ns")), "time: invalid duration \"99999999999999999999ns\"");
}

TEST(GoIntegers, StrconvBaseZero) {
  EXPECT_EQ(*parse_go_int("42"), 42);
  EXPECT_EQ(*parse_go_int("-42"), -42);
  EXPECT_EQ(*parse_go_int("+7"), 7);
  EXPECT_EQ(*parse_go_int("0x1f"), 31);
  EXPECT_EQ(*parse_go_int("010"), 8);
  EXPECT_EQ(*parse_go_int("0o17"), 15);
  EXPECT_EQ(*parse_go_int("0b101"), 5);
  EXPECT_EQ(*parse_go_int("0"), 0);
  EXPECT_EQ(*parse_go_int("-9223372036854775808"), std::numeric_limits<int64_t>::min());
  EXPECT_EQ(error_of(parse_go_int("9223372036854775808")),
            "strconv.ParseInt: parsing \"9223372036854775808\": value out of range");
  EXPECT_EQ(error_of(parse_go_int("2147483648", 32)), "strconv.ParseInt: parsing \"2147483648\": value out of range");
  EXPECT_EQ(*parse_go_int("-2147483648", 32), -2147483648LL);
  EXPECT_EQ(error_of(parse_go_int("")), "strconv.ParseInt: parsing \"\": invalid syntax");
  EXPECT_EQ(error_of(parse_go_int("08")), "strconv.ParseInt: parsing \"08\": invalid syntax");
  EXPECT_EQ(error_of(parse_go_int("0x")), "strconv.ParseInt: parsing \"0x\": invalid syntax");
  EXPECT_EQ(error_of(parse_go_int("1.5")), "strconv.ParseInt: parsing \"1.5\": invalid syntax");
  EXPECT_EQ(*parse_go_uint("65535", 16), 65535u);
  EXPECT_EQ(error_of(parse_go_uint("65536", 16)), "strconv.ParseUint: parsing \"65536\": value out of range");
  EXPECT_EQ(error_of(parse_go_uint("-1", 16)), "strconv.ParseUint: parsing \"-1\": invalid syntax");
  EXPECT_EQ(*parse_go_atoi("-12"), -12);
  EXPECT_EQ(*parse_go_atoi("010"), 10);
  EXPECT_EQ(error_of(parse_go_atoi("0x10")), "strconv.Atoi: parsing \"0x10\": invalid syntax");
  EXPECT_EQ(error_of(parse_go_atoi("99999999999999999999")),
            "strconv.Atoi: parsing \"99999999999999999999\": value out of range");
}

TEST(GoBool, StrconvParseBool) {
  for (const char* yes : {"1", "t", "T", "TRUE", "true", "True"}) EXPECT_TRUE(*parse_go_bool(yes)) << yes;
  for (const char* no : {"0", "f", "F", "FALSE", "false", "False"}) EXPECT_FALSE(*parse_go_bool(no)) << no;
  EXPECT_EQ(error_of(parse_go_bool("yes")), "strconv.ParseBool: parsing \"yes\": invalid syntax");
  EXPECT_EQ(error_of(parse_go_bool("tRUE")), "strconv.ParseBool: parsing \"tRUE\": invalid syntax");
}

TEST(NanoCpus, RationalNumbers) {
  EXPECT_EQ(*parse_nano_cpus("1.5"), 1'500'000'000);
  EXPECT_EQ(*parse_nano_cpus("3/2"), 1'500'000'000);
  EXPECT_EQ(*parse_nano_cpus(".5"), 500'000'000);
  EXPECT_EQ(*parse_nano_cpus("0.001"), 1'000'000);
  EXPECT_EQ(*parse_nano_cpus("1e-9"), 1);
  EXPECT_EQ(*parse_nano_cpus("2E1"), 20'000'000'000);
  EXPECT_EQ(*parse_nano_cpus("-0.5"), -500'000'000);
  EXPECT_EQ(*parse_nano_cpus("0"), 0);
  EXPECT_EQ(*parse_nano_cpus("1.50000000000000000000"), 1'500'000'000);
  EXPECT_EQ(*parse_nano_cpus("1e300"), std::numeric_limits<int64_t>::max());  // beyond any host: range error later
  EXPECT_EQ(error_of(parse_nano_cpus("1e-10")), "value is too precise");
  EXPECT_EQ(error_of(parse_nano_cpus("1/3")), "value is too precise");
  EXPECT_EQ(error_of(parse_nano_cpus("abc")), "failed to parse abc as a rational number");
  EXPECT_EQ(error_of(parse_nano_cpus("1/0")), "failed to parse 1/0 as a rational number");
  EXPECT_EQ(error_of(parse_nano_cpus("")), "failed to parse  as a rational number");
  EXPECT_EQ(error_of(parse_nano_cpus("1.5x")), "failed to parse 1.5x as a rational number");
  EXPECT_EQ(error_of(parse_nano_cpus(".")), "failed to parse . as a rational number");
}

TEST(GoQuote, EscapesLikePercentQ) {
  EXPECT_EQ(go_quote("plain"), "\"plain\"");
  EXPECT_EQ(go_quote("a\"b\\c"), "\"a\\\"b\\\\c\"");
  EXPECT_EQ(go_quote("\n\t\x01\x7f"), "\"\\n\\t\\x01\\x7f\"");
  EXPECT_EQ(go_quote("\xff\xfe"), "\"\\xff\\xfe\"");
  EXPECT_EQ(go_quote("caf\xc3\xa9"), "\"caf\xc3\xa9\"");
  EXPECT_EQ(go_quote("\xc2\x85"), "\"\\u0085\"");
  EXPECT_EQ(go_quote("\xed\xa0\x80"), "\"\\xed\\xa0\\x80\"");  // a surrogate is not UTF-8
}

TEST(CanonicalIp, ParsesAndNormalises) {
  EXPECT_EQ(canonical_ip("10.0.0.1"), std::optional<std::string>("10.0.0.1"));
  EXPECT_EQ(canonical_ip("2001:DB8:0:0:0:0:0:1"), std::optional<std::string>("2001:db8::1"));
  EXPECT_EQ(canonical_ip("::1"), std::optional<std::string>("::1"));
  EXPECT_FALSE(canonical_ip("10.0.0.256"));
  EXPECT_FALSE(canonical_ip("[::1]"));
  EXPECT_FALSE(canonical_ip(""));
  EXPECT_FALSE(canonical_ip(std::string("1.2.3.4\0", 8)));
  EXPECT_FALSE(canonical_ip("example.com"));
}

TEST(CsvRecord, EncodingCsvRules) {
  using Fields = std::vector<std::string>;
  EXPECT_EQ(*read_csv_record("a,b,c"), (Fields{"a", "b", "c"}));
  EXPECT_EQ(*read_csv_record("a,,c,"), (Fields{"a", "", "c", ""}));
  EXPECT_EQ(*read_csv_record("\"a,b\",c"), (Fields{"a,b", "c"}));
  EXPECT_EQ(*read_csv_record("\"a\"\"b\""), (Fields{"a\"b"}));
  EXPECT_EQ(*read_csv_record("\"multi\nline\",x"), (Fields{"multi\nline", "x"}));
  EXPECT_EQ(*read_csv_record("first\nsecond"), (Fields{"first"}));
  EXPECT_EQ(*read_csv_record("\n\nafter,blank\n"), (Fields{"after", "blank"}));
  EXPECT_EQ(*read_csv_record(" spaced , kept "), (Fields{" spaced ", " kept "}));
  EXPECT_EQ(error_of(read_csv_record("")), "EOF");
  EXPECT_EQ(error_of(read_csv_record("\n")), "EOF");
  EXPECT_EQ(error_of(read_csv_record("a\"b")), "parse error on line 1, column 2: bare \" in non-quoted-field");
  EXPECT_EQ(error_of(read_csv_record("\"ab")),
            "parse error on line 1, column 4: extraneous or missing \" in quoted-field");
  EXPECT_EQ(error_of(read_csv_record("\"a\"b")),
            "parse error on line 1, column 4: extraneous or missing \" in quoted-field");
  EXPECT_EQ(error_of(read_csv_record("\"a\nb\"c")),
            "record on line 1; parse error on line 2, column 3: extraneous or missing \" in quoted-field");
}

TEST(CleanPath, GoPathClean) {
  EXPECT_EQ(clean_path("/a/b/../c/./d/"), "/a/c/d");
  EXPECT_EQ(clean_path("/../x"), "/x");
  EXPECT_EQ(clean_path("a/../../b"), "../b");
  EXPECT_EQ(clean_path(""), ".");
  EXPECT_EQ(clean_path("//"), "/");
  EXPECT_EQ(clean_path("./"), ".");
}

TEST(Ulimit, GoUnitsParseUlimit) {
  Ulimit ulimit = *parse_ulimit("nofile=1024:2048");
  EXPECT_EQ(ulimit.name, "nofile");
  EXPECT_EQ(ulimit.soft, 1024);
  EXPECT_EQ(ulimit.hard, 2048);
  ulimit = *parse_ulimit("memlock=-1:-1");
  EXPECT_EQ(ulimit.soft, -1);
  ulimit = *parse_ulimit("nproc=10:-1");  // an unlimited hard limit is above any soft one
  EXPECT_EQ(ulimit.hard, -1);
  EXPECT_EQ(parse_ulimit("stack=010")->soft, 10);  // base 10
  EXPECT_EQ(error_of(parse_ulimit("")), "invalid ulimit argument: ");
  EXPECT_EQ(error_of(parse_ulimit("as=1")), "invalid ulimit type: as");
  EXPECT_EQ(error_of(parse_ulimit("nofile=")), "strconv.ParseInt: parsing \"\": invalid syntax");
  EXPECT_EQ(error_of(parse_ulimit("nofile=1:")), "strconv.ParseInt: parsing \"\": invalid syntax");
  EXPECT_EQ(error_of(parse_ulimit("nofile=0x10")), "strconv.ParseInt: parsing \"0x10\": invalid syntax");
  EXPECT_EQ(error_of(parse_ulimit("nofile=5:4")), "ulimit soft limit must be less than or equal to hard limit: 5 > 4");
}

TEST(SignalName, MobyParseSignal) {
  EXPECT_EQ(*parse_signal_name("TERM"), SIGTERM);
  EXPECT_EQ(*parse_signal_name("SIGKILL"), SIGKILL);
  EXPECT_EQ(*parse_signal_name("sighup"), SIGHUP);
  EXPECT_EQ(*parse_signal_name("15"), 15);
  EXPECT_EQ(*parse_signal_name("CLD"), SIGCHLD);
  EXPECT_EQ(*parse_signal_name("RTMIN"), SIGRTMIN);
  EXPECT_EQ(*parse_signal_name("SIGRTMIN+2"), SIGRTMIN + 2);
  EXPECT_EQ(*parse_signal_name("RTMAX-1"), SIGRTMAX - 1);
  EXPECT_EQ(error_of(parse_signal_name("0")), "Invalid signal: 0");
  EXPECT_EQ(error_of(parse_signal_name("99")), "Invalid signal: 99");
  EXPECT_EQ(error_of(parse_signal_name("SIG")), "Invalid signal: SIG");
  EXPECT_EQ(error_of(parse_signal_name("RTMIN+99")), "Invalid signal: RTMIN+99");
  EXPECT_EQ(error_of(parse_signal_name("RTMIN-1")), "Invalid signal: RTMIN-1");
  EXPECT_EQ(error_of(parse_signal_name("NOPE")), "Invalid signal: NOPE");
}

TEST(Cpuset, ParseUintListSyntax) {
  EXPECT_TRUE(valid_cpuset(""));
  EXPECT_TRUE(valid_cpuset("0"));
  EXPECT_TRUE(valid_cpuset("0-3,5,7-8"));
  EXPECT_FALSE(valid_cpuset("3-1"));
  EXPECT_FALSE(valid_cpuset("1,"));
  EXPECT_FALSE(valid_cpuset("a"));
  EXPECT_FALSE(valid_cpuset("-1"));
  EXPECT_FALSE(valid_cpuset("1-2-3"));
  EXPECT_FALSE(valid_cpuset("99999999999"));
}

TEST(KeyValueLines, DockersFileFormat) {
  auto lookup = [](const std::string& key) -> std::optional<std::string> {
    return key == "SET" ? std::optional<std::string>("value") : std::nullopt;
  };
  auto lines = parse_key_value_lines("# c\n\nA=1\n B = 2\nSET\nUNSET\r\nC=3\r\n", lookup);
  ASSERT_FALSE(lines) << "' B = 2' has whitespace in its key";
  lines = parse_key_value_lines("# c\n\nA=1\n  B= 2 \nSET\nUNSET\r\nC=3\r\nD=\"q\"", lookup);
  ASSERT_TRUE(lines) << lines.error().message;
  EXPECT_EQ(*lines, (std::vector<std::string>{"A=1", "B= 2 ", "SET=value", "C=3", "D=\"q\""}));
  EXPECT_EQ(*parse_key_value_lines("SET\n", nullptr), std::vector<std::string>{});  // no lookup: dropped
  EXPECT_EQ(*parse_key_value_lines("", nullptr), std::vector<std::string>{});
  EXPECT_EQ(error_of(parse_key_value_lines("A=1\n\n=2\n", nullptr)), "line 3: no variable name on line '=2'");
  EXPECT_EQ(error_of(parse_key_value_lines("A\tB=1", nullptr)), "line 1: variable 'A\tB' contains whitespaces");
  EXPECT_EQ(error_of(parse_key_value_lines("ok=1\n\xc0\x80=x\n", nullptr)), "invalid utf8 bytes at line 2");
  // A BOM counts only at the start of the first line.
  EXPECT_EQ(*parse_key_value_lines("\xEF\xBB\xBF"
                                   "A=1",
                                   nullptr),
            std::vector<std::string>{"A=1"});
  EXPECT_EQ(error_of(parse_key_value_lines("A=1\n\xEF\xBB\xBF"
                                           "B=2",
                                           nullptr)),
            "<ok>");
}

TEST(VolumeFlag, Shapes) {
  VolumeFlag volume = *parse_volume_flag("/data", "/cwd");
  EXPECT_TRUE(volume.anonymous);
  EXPECT_EQ(volume.destination, "/data");
  volume = *parse_volume_flag("./a:/b:ro", "/cwd");
  EXPECT_FALSE(volume.anonymous);
  EXPECT_EQ(volume.bind, "/cwd/a:/b:ro");
  EXPECT_EQ(volume.destination, "/b");
  EXPECT_EQ(parse_volume_flag("name:/b:nocopy", "/cwd")->bind, "name:/b:nocopy");
  EXPECT_EQ(parse_volume_flag("/a:/b:z,rslave,cached", "/cwd")->bind, "/a:/b:z,rslave,cached");
  EXPECT_EQ(error_of(parse_volume_flag("/a:/b:z,Z", "/cwd")), "invalid mode: z,Z");
  EXPECT_EQ(
      error_of(parse_volume_flag("a:/b", "/cwd")),
      "invalid volume specification: 'a:/b': invalid mount config for type \"volume\": invalid mount path: 'a:/b' "
      "mount path must be absolute");  // one letter and a colon is a Windows drive to docker
  EXPECT_EQ(error_of(parse_volume_flag("x:/b", "/cwd")), error_of(parse_volume_flag("x:/b", "/other")));
  EXPECT_EQ(error_of(parse_volume_flag("ab:/b", "/cwd")), "<ok>");
  EXPECT_EQ(error_of(validate_volume_name("a")),
            "create a: volume name is too short, names should be at least two alphanumeric characters");
  EXPECT_EQ(error_of(validate_volume_name("_ab")).substr(0, 45), "create _ab: \"_ab\" includes invalid characters");
}

TEST(TmpfsAndDevice, EdgeCases) {
  EXPECT_EQ(parse_tmpfs_flag("/run:size=1m,mode=1777,uid=0,gid=0,nr_inodes=1k")->second,
            "size=1m,mode=1777,uid=0,gid=0,nr_inodes=1k");
  EXPECT_EQ(error_of(parse_tmpfs_flag("/run:,")), "invalid tmpfs option [\"\"]");
  EXPECT_EQ(error_of(parse_tmpfs_flag("")), "field Target must not be empty");
  EXPECT_EQ(error_of(parse_device_flag("")), "bad format for path: ");
  EXPECT_EQ(parse_device_flag("/dev/a:mrw")->cgroup_permissions, "mrw");
}

TEST(PublishedPorts, Ipv6AndErrors) {
  PublishedPorts ports = *parse_publish_flags({"[2001:db8::1]:8080:80", "::1:9090:90", "0.0.0.0::100/sctp"});
  EXPECT_EQ(ports.bindings["80/tcp"][0].host_ip, "2001:db8::1");
  EXPECT_EQ(ports.bindings["90/tcp"][0].host_ip, "::1");
  EXPECT_EQ(ports.bindings["100/sctp"][0].host_ip, "0.0.0.0");
  EXPECT_EQ(ports.bindings["100/sctp"][0].host_port, "");
  EXPECT_EQ(error_of(parse_publish_flags({"[::1:80:80"})), "invalid IP address [::1: missing ']' in address");
  EXPECT_EQ(error_of(parse_publish_flags({"/tcp"})), "no port specified: /tcp<empty>");
  EXPECT_EQ(error_of(parse_publish_flags({"65536"})), "invalid containerPort: 65536");
}

TEST(NetworkValues, HostsDomainsMacs) {
  EXPECT_EQ(*validate_extra_host("h=2001:db8::1"), "h:2001:db8::1");
  EXPECT_EQ(error_of(validate_extra_host(":1.2.3.4")), "bad format for add-host: \":1.2.3.4\"");
  EXPECT_EQ(*validate_dns_search("  example.com  "), "example.com");
  EXPECT_EQ(error_of(validate_dns_search("123")), "123 is not a valid domain");
  EXPECT_EQ(error_of(validate_dns_search(std::string(5000, 'a'))), std::string(5000, 'a') + " is not a valid domain");
  EXPECT_TRUE(valid_mac_address("02-42-AC-11-00-02"));
  EXPECT_TRUE(valid_mac_address("0242.ac11.0002"));
  EXPECT_FALSE(valid_mac_address("02:42:ac:11:00"));
  EXPECT_FALSE(valid_mac_address("02:42:ac:11:00:0g"));
  EXPECT_EQ(error_of(validate_link("")), "empty string specified for links");
}

TEST(Capabilities, Normalised) {
  Capabilities caps = *effective_capabilities({" sys_admin ", "cap_chown", "CHOWN", ""}, {});
  EXPECT_EQ(caps.add, (std::vector<std::string>{"CAP_CHOWN", "CAP_SYS_ADMIN"}));
  EXPECT_EQ(error_of(effective_capabilities({}, {"reset"})), "unknown capability: \"RESET\"");
}

}  // namespace
}  // namespace berth::cli

namespace berth::cli {
namespace {

TEST(ParseTimestamp, DockerFormats) {
  constexpr int64_t second = 1'000'000'000;
  const int64_t now = 1'700'000'000 * second;
  EXPECT_EQ(*parse_timestamp("10m", now), now - 600 * second);
  EXPECT_EQ(*parse_timestamp("1h30m", now), now - 5400 * second);
  EXPECT_EQ(*parse_timestamp("1700000000", now), now);
  EXPECT_EQ(*parse_timestamp("1700000000.5", now), now + second / 2);
  EXPECT_EQ(*parse_timestamp("2023-11-14T22:13:20Z", now), now);
  EXPECT_EQ(*parse_timestamp("2023-11-14T22:13:20.25Z", now), now + second / 4);
  EXPECT_EQ(*parse_timestamp("2023-11-15T00:13:20+02:00", now), now);
  EXPECT_EQ(*parse_timestamp("0", now), 0);
  EXPECT_FALSE(parse_timestamp("", now));
  EXPECT_FALSE(parse_timestamp("yesterday", now));
  EXPECT_FALSE(parse_timestamp("2023-13-45T99:99:99Z", now));
  EXPECT_FALSE(parse_timestamp("2023-11-14T22:13:20 nonsense", now));
  EXPECT_FALSE(parse_timestamp("-5", now));
  EXPECT_FALSE(parse_timestamp("nan", now));
  EXPECT_FALSE(parse_timestamp("inf", now));
  EXPECT_FALSE(parse_timestamp("1e300", now));
}

}  // namespace
}  // namespace berth::cli
