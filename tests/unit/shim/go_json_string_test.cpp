#include "shim/go_json_string.h"

#include <gtest/gtest.h>

#include "shim/rfc3339_time.h"

namespace berth::shim {
namespace {

std::string escaped(std::string_view bytes) {
  std::string out;
  append_go_json_string(out, bytes);
  return out;
}

TEST(GoJsonString, EscapesLikeGoEncodingJson) {
  EXPECT_EQ(escaped("hello\n"), R"("hello\n")");
  EXPECT_EQ(escaped("a\"b\\c\td\re"), R"("a\"b\\c\td\re")");
  EXPECT_EQ(escaped("<b>&amp;</b>"), R"("\u003cb\u003e\u0026amp;\u003c/b\u003e")");
  EXPECT_EQ(escaped(std::string("\x00\x01\x08\x0c\x1b\x1f", 6)), R"("\u0000\u0001\u0008\u000c\u001b\u001f")");
  EXPECT_EQ(escaped("\x7f"), "\"\x7f\"");  // DEL is not escaped by Go
  EXPECT_EQ(escaped(""), R"("")");
}

TEST(GoJsonString, KeepsValidUtf8AndEscapesLineSeparators) {
  EXPECT_EQ(escaped("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x90\xb3"), "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x90\xb3\"");
  EXPECT_EQ(escaped("a\xe2\x80\xa8"
                    "b\xe2\x80\xa9"
                    "c"),
            R"("a\u2028b\u2029c")");
}

TEST(GoJsonString, ReplacesEachInvalidByteWithReplacementCharacter) {
  EXPECT_EQ(escaped("\xff"), R"("\ufffd")");
  EXPECT_EQ(escaped("a\xc3"), R"("a\ufffd")");                              // truncated sequence
  EXPECT_EQ(escaped("\xc0\xaf"), R"("\ufffd\ufffd")");                      // overlong '/'
  EXPECT_EQ(escaped("\xed\xa0\x80"), R"("\ufffd\ufffd\ufffd")");            // UTF-16 surrogate
  EXPECT_EQ(escaped("\xf4\x90\x80\x80"), R"("\ufffd\ufffd\ufffd\ufffd")");  // above U+10FFFF
  EXPECT_EQ(escaped("\xe2\x82"), R"("\ufffd\ufffd")");
  EXPECT_EQ(escaped("\x80x"), R"("\ufffdx")");
}

TEST(Rfc3339Time, FormatsLikeGoRfc3339Nano) {
  auto formatted = [](time_t seconds, long nanoseconds) {
    std::string out;
    append_rfc3339_nano(out, timespec{seconds, nanoseconds});
    return out;
  };
  EXPECT_EQ(formatted(0, 0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(formatted(1795417200, 123456789), "2026-11-23T07:00:00.123456789Z");
  EXPECT_EQ(formatted(1795417200, 120000000), "2026-11-23T07:00:00.12Z");  // trailing zeros dropped
  EXPECT_EQ(formatted(1795417200, 1), "2026-11-23T07:00:00.000000001Z");
  EXPECT_EQ(formatted(951782400 + 86399, 500000000), "2000-02-29T23:59:59.5Z");  // leap day
}

}  // namespace
}  // namespace berth::shim
