#include "shim/attach_frame.h"

#include <gtest/gtest.h>

namespace berth::shim {
namespace {

TEST(AttachFrame, EncodesStdcopyHeader) {
  std::string out;
  append_frame(out, frame_kind::stderr_data, "hi");
  EXPECT_EQ(out, std::string("\x02\x00\x00\x00\x00\x00\x00\x02hi", 10));
  out.clear();
  append_frame(out, frame_kind::exit, std::string(0x010203, 'x'));
  EXPECT_EQ(out.substr(0, 8), std::string("\x10\x00\x00\x00\x00\x01\x02\x03", 8));
  EXPECT_EQ(out.size(), 8u + 0x010203);
}

TEST(AttachFrame, DecodesFramesSplitAnywhere) {
  std::string stream;
  append_frame(stream, frame_kind::hello, "stdin stdout");
  append_frame(stream, frame_kind::stdin_data, "data");
  append_frame(stream, frame_kind::stdin_eof, "");
  for (size_t cut = 0; cut <= stream.size(); ++cut) {
    FrameDecoder decoder;
    std::vector<std::pair<uint8_t, std::string>> frames;
    for (std::string_view part : {std::string_view(stream).substr(0, cut), std::string_view(stream).substr(cut)}) {
      decoder.append(part);
      for (;;) {
        auto frame = decoder.next();
        ASSERT_TRUE(frame) << frame.error().message;
        if (!*frame) break;
        frames.emplace_back((*frame)->kind, std::string((*frame)->payload));
      }
    }
    ASSERT_EQ(frames.size(), 3u) << "cut at " << cut;
    EXPECT_EQ(frames[0], (std::pair<uint8_t, std::string>{0, "stdin stdout"}));
    EXPECT_EQ(frames[1], (std::pair<uint8_t, std::string>{1, "data"}));
    EXPECT_EQ(frames[2], (std::pair<uint8_t, std::string>{2, ""}));
    EXPECT_EQ(decoder.buffered(), 0u);
  }
}

TEST(AttachFrame, HugeLengthIsAnErrorBeforeAnyBuffering) {
  FrameDecoder decoder;
  decoder.append(std::string("\x01\x00\x00\x00\xff\xff\xff\xff", 8));
  auto frame = decoder.next();
  ASSERT_FALSE(frame);
  EXPECT_EQ(frame.error().message, "attach frame: payload of 4294967295 bytes exceeds 1048576");
  FrameDecoder exact;
  exact.append(std::string("\x01\x00\x00\x00\x00\x10\x00\x00", 8));  // exactly 1 MiB: allowed, incomplete
  auto pending = exact.next();
  ASSERT_TRUE(pending);
  EXPECT_FALSE(*pending);
}

TEST(AttachFrame, NonZeroPaddingIsAnError) {
  FrameDecoder decoder;
  decoder.append(std::string("\x01\x00\x01\x00\x00\x00\x00\x00", 8));
  auto frame = decoder.next();
  ASSERT_FALSE(frame);
  EXPECT_EQ(frame.error().message, "attach frame: header padding is not zero");
}

TEST(AttachFrame, UnknownKindsDecodeForTheServerToSkip) {
  FrameDecoder decoder;
  std::string stream;
  append_frame(stream, 0x7f, "future");
  decoder.append(stream);
  auto frame = decoder.next();
  ASSERT_TRUE(frame && *frame);
  EXPECT_EQ((*frame)->kind, 0x7f);
}

TEST(AttachFrame, Hello) {
  auto all = parse_hello("stdin stdout stderr");
  ASSERT_TRUE(all);
  EXPECT_TRUE(all->stdin_stream && all->stdout_stream && all->stderr_stream);
  auto some = parse_hello("stderr");
  ASSERT_TRUE(some);
  EXPECT_FALSE(some->stdin_stream || some->stdout_stream);
  EXPECT_TRUE(some->stderr_stream);
  auto none = parse_hello("");
  ASSERT_TRUE(none);
  EXPECT_FALSE(none->stdin_stream || none->stdout_stream || none->stderr_stream);
  auto bad = parse_hello("stdout stdlog");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message, "attach hello: unknown stream \"stdlog\"");
}

TEST(AttachFrame, Resize) {
  auto size = parse_resize("40 100");
  ASSERT_TRUE(size);
  EXPECT_EQ(size->rows, 40);
  EXPECT_EQ(size->cols, 100);
  for (const char* bad : {"40", "40 ", " 40 100", "40 100 1", "40x100", "-1 100", "70000 100", "40 1e2", ""}) {
    auto rejected = parse_resize(bad);
    ASSERT_FALSE(rejected) << bad;
    EXPECT_NE(rejected.error().message.find("attach resize: expected \"ROWS COLS\""), std::string::npos);
  }
}

}  // namespace
}  // namespace berth::shim
