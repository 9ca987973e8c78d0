#include "shim/json_log_writer.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "shim/log_line_splitter.h"

namespace berth::shim {
namespace {

std::vector<std::string> split(const std::vector<std::string>& chunks, bool finish = true) {
  LogLineSplitter splitter;
  std::vector<std::string> pieces;
  auto emit = [&](std::string_view piece) { pieces.emplace_back(piece); };
  for (const std::string& chunk : chunks) splitter.feed(chunk, emit);
  if (finish) splitter.finish(emit);
  return pieces;
}

TEST(LogLineSplitter, OneEntryPerLineAcrossReads) {
  EXPECT_EQ(split({"hello\nwor", "ld\n\nx"}), (std::vector<std::string>{"hello\n", "world\n", "\n", "x"}));
  EXPECT_EQ(split({"no newline yet"}, false), std::vector<std::string>{});
  EXPECT_EQ(split({}), std::vector<std::string>{});
}

TEST(LogLineSplitter, PartialLineAtEofIsFlushed) {
  EXPECT_EQ(split({"a\nb", "c"}), (std::vector<std::string>{"a\n", "bc"}));
}

TEST(LogLineSplitter, LongLinesSplitIn16KiBPieces) {
  std::string line(40000, 'x');
  auto pieces = split({line.substr(0, 1000), line.substr(1000) + "\n"});
  ASSERT_EQ(pieces.size(), 3u);
  EXPECT_EQ(pieces[0], std::string(16384, 'x'));
  EXPECT_EQ(pieces[1], std::string(16384, 'x'));
  EXPECT_EQ(pieces[2], std::string(40000 - 2 * 16384, 'x') + "\n");
  // Exactly 16 KiB before the newline: Docker emits the full buffer, then "\n".
  pieces = split({std::string(16384, 'y') + "\nz\n"});
  EXPECT_EQ(pieces, (std::vector<std::string>{std::string(16384, 'y'), "\n", "z\n"}));
  // 16 KiB including the newline fits one entry.
  pieces = split({std::string(16383, 'y') + "\n"});
  EXPECT_EQ(pieces, (std::vector<std::string>{std::string(16383, 'y') + "\n"}));
}

TEST(JsonLogEntry, DockerJsonFileFormat) {
  timespec time{1795417200, 123456789};
  EXPECT_EQ(format_json_log_entry("hello\n", LogStream::stdout_stream, time),
            "{\"log\":\"hello\\n\",\"stream\":\"stdout\",\"time\":\"2026-11-23T07:00:00.123456789Z\"}\n");
  EXPECT_EQ(format_json_log_entry("<err>", LogStream::stderr_stream, time),
            "{\"log\":\"\\u003cerr\\u003e\",\"stream\":\"stderr\",\"time\":\"2026-11-23T07:00:00.123456789Z\"}\n");
}

class JsonLogWriterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/berth-shim-log-test.XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    dir_ = pattern;
    path_ = dir_ + "/c.log";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string read(const std::string& path) {
    std::ifstream in(path);
    std::stringstream content;
    content << in.rdbuf();
    return content.str();
  }
  std::vector<std::string> files() {
    std::vector<std::string> names;
    for (const auto& entry : std::filesystem::directory_iterator(dir_)) names.push_back(entry.path().filename());
    std::sort(names.begin(), names.end());
    return names;
  }

  std::string dir_, path_;
  timespec time_{1795417200, 5};
};

TEST_F(JsonLogWriterTest, AppendsToAnExistingLog) {
  { std::ofstream(path_) << "old\n"; }
  auto writer = JsonLogWriter::open(path_, {});
  ASSERT_TRUE(writer) << writer.error().message;
  ASSERT_TRUE(writer->write_entry("a\n", LogStream::stdout_stream, time_));
  EXPECT_EQ(read(path_), "old\n" + format_json_log_entry("a\n", LogStream::stdout_stream, time_));
}

TEST_F(JsonLogWriterTest, RotatesBeforeExceedingMaxSizeKeepingMaxFileMinusOne) {
  std::string entry = format_json_log_entry("0\n", LogStream::stdout_stream, time_);
  // Room for exactly two entries per file, three files in all.
  auto writer = JsonLogWriter::open(path_, LogRotation{2 * entry.size(), 3});
  ASSERT_TRUE(writer) << writer.error().message;
  for (char digit = '0'; digit <= '6'; ++digit)
    ASSERT_TRUE(writer->write_entry(std::string(1, digit) + "\n", LogStream::stdout_stream, time_));
  auto entry_for = [&](char digit) {
    return format_json_log_entry(std::string(1, digit) + "\n", LogStream::stdout_stream, time_);
  };
  EXPECT_EQ(files(), (std::vector<std::string>{"c.log", "c.log.1", "c.log.2"}));
  EXPECT_EQ(read(path_), entry_for('6'));
  EXPECT_EQ(read(path_ + ".1"), entry_for('4') + entry_for('5'));
  EXPECT_EQ(read(path_ + ".2"), entry_for('2') + entry_for('3'));
  for (const std::string& name : files()) EXPECT_LE(read(dir_ + "/" + name).size(), 2 * entry.size());
}

TEST_F(JsonLogWriterTest, MaxFileOneTruncatesInPlace) {
  std::string entry = format_json_log_entry("0\n", LogStream::stdout_stream, time_);
  auto writer = JsonLogWriter::open(path_, LogRotation{entry.size() + 1, 1});
  ASSERT_TRUE(writer) << writer.error().message;
  ASSERT_TRUE(writer->write_entry("0\n", LogStream::stdout_stream, time_));
  ASSERT_TRUE(writer->write_entry("1\n", LogStream::stdout_stream, time_));
  EXPECT_EQ(files(), std::vector<std::string>{"c.log"});
  EXPECT_EQ(read(path_), format_json_log_entry("1\n", LogStream::stdout_stream, time_));
}

TEST_F(JsonLogWriterTest, OversizedEntryGoesIntoAFreshFile) {
  auto writer = JsonLogWriter::open(path_, LogRotation{10, 2});
  ASSERT_TRUE(writer) << writer.error().message;
  ASSERT_TRUE(writer->write_entry("first\n", LogStream::stdout_stream, time_));
  ASSERT_TRUE(writer->write_entry("second\n", LogStream::stdout_stream, time_));
  EXPECT_EQ(read(path_ + ".1"), format_json_log_entry("first\n", LogStream::stdout_stream, time_));
  EXPECT_EQ(read(path_), format_json_log_entry("second\n", LogStream::stdout_stream, time_));
}

TEST_F(JsonLogWriterTest, UnopenableLogIsAnErrorNamingThePath) {
  auto writer = JsonLogWriter::open(dir_ + "/missing/c.log", {});
  ASSERT_FALSE(writer);
  EXPECT_NE(writer.error().message.find(dir_ + "/missing/c.log"), std::string::npos) << writer.error().message;
}

}  // namespace
}  // namespace berth::shim
