#include "cli/transfer_progress.h"

#include <gtest/gtest.h>

namespace berth::cli {
namespace {

using Kind = TransferEvent::Kind;
using namespace std::chrono;

struct Harness {
  std::string out;
  steady_clock::time_point now{};
  TransferProgressRenderer renderer;

  explicit Harness(TransferProgressRenderer::Options options)
      : renderer([this](std::string_view text) { out += text; }, with_clock(options)) {}

  TransferProgressRenderer::Options with_clock(TransferProgressRenderer::Options options) {
    options.clock = [this] { return now; };
    return options;
  }
  void event(Kind kind, std::string id, uint64_t current = 0, uint64_t total = 0, std::string message = "") {
    renderer.on_event(TransferEvent{kind, std::move(id), current, total, std::move(message)});
  }
};

TEST(ProgressDetail, DockersBarNumbersThenRateAndTimeLeft) {
  EXPECT_EQ(progress_detail(0, 0, 200, 0), "");
  EXPECT_EQ(progress_detail(2'000'000, 0, 200, 0), "     2MB");
  EXPECT_EQ(progress_detail(12'350'000, 45'600'000, 200, 0),
            "[=============>" + std::string(37, ' ') + "]  12.35MB/45.6MB");
  EXPECT_EQ(progress_detail(12'350'000, 45'600'000, 200, 4),
            "[=============>" + std::string(37, ' ') + "]  12.35MB/45.6MB  3.09MB/s  ETA 10s");
  // Narrow terminals: no bar under 111 columns, no rate under 51.
  EXPECT_EQ(progress_detail(12'350'000, 45'600'000, 100, 4), " 12.35MB/45.6MB  3.09MB/s  ETA 10s");
  EXPECT_EQ(progress_detail(12'350'000, 45'600'000, 50, 4), " 12.35MB/45.6MB");
  EXPECT_EQ(progress_detail(45'600'000, 45'600'000, 200, 4),
            "[==================================================>]   45.6MB/45.6MB  11.4MB/s");
  // A wonky current above the total drops the total, as docker does.
  EXPECT_EQ(progress_detail(50'000'000, 45'600'000, 100, 0), "    50MB");
}

TEST(TransferProgress, PlainLinesOnePerStateChange) {
  Harness h({.direction = TransferProgressRenderer::Direction::pull, .terminal = false});
  h.event(Kind::resolved, "", 0, 0, "sha256:feed");
  h.event(Kind::waiting, "aaaaaaaaaaaa");
  h.event(Kind::exists, "bbbbbbbbbbbb");
  h.event(Kind::waiting, "aaaaaaaaaaaa");
  for (uint64_t done = 0; done <= 1000; done += 100) h.event(Kind::transferring, "aaaaaaaaaaaa", done, 1000);
  h.event(Kind::verifying, "aaaaaaaaaaaa");
  h.event(Kind::extracting, "aaaaaaaaaaaa", 10, 1000);
  h.event(Kind::extracting, "aaaaaaaaaaaa", 1000, 1000);
  h.event(Kind::done, "aaaaaaaaaaaa");
  h.event(Kind::done, "aaaaaaaaaaaa");
  h.renderer.finish();
  EXPECT_EQ(h.out,
            "aaaaaaaaaaaa: Pulling fs layer\n"
            "bbbbbbbbbbbb: Already exists\n"
            "aaaaaaaaaaaa: Waiting\n"
            "aaaaaaaaaaaa: Downloading\n"
            "aaaaaaaaaaaa: Verifying Checksum\n"
            "aaaaaaaaaaaa: Extracting\n"
            "aaaaaaaaaaaa: Pull complete\n");
  EXPECT_EQ(h.renderer.manifest_digest(), "sha256:feed");
}

TEST(TransferProgress, PushWording) {
  Harness h({.direction = TransferProgressRenderer::Direction::push, .terminal = false});
  h.event(Kind::waiting, "aaaaaaaaaaaa");
  h.event(Kind::waiting, "bbbbbbbbbbbb");
  h.event(Kind::waiting, "cccccccccccc");
  h.event(Kind::exists, "aaaaaaaaaaaa");
  h.event(Kind::mounted, "bbbbbbbbbbbb", 0, 0, "library/alpine");
  h.event(Kind::transferring, "cccccccccccc", 5, 10);
  h.event(Kind::done, "cccccccccccc");
  EXPECT_EQ(h.out,
            "aaaaaaaaaaaa: Preparing\n"
            "bbbbbbbbbbbb: Preparing\n"
            "cccccccccccc: Preparing\n"
            "aaaaaaaaaaaa: Layer already exists\n"
            "bbbbbbbbbbbb: Mounted from library/alpine\n"
            "cccccccccccc: Pushing\n"
            "cccccccccccc: Pushed\n");
}

TEST(TransferProgress, TerminalRedrawsLinesInPlace) {
  Harness h({.direction = TransferProgressRenderer::Direction::pull, .terminal = true, .width = 80});
  h.now += seconds(1);
  h.event(Kind::waiting, "aaaaaaaaaaaa");
  h.event(Kind::waiting, "bbbbbbbbbbbb");
  EXPECT_EQ(h.out,
            "\n\x1b[1A\r\x1b[2Kaaaaaaaaaaaa: Pulling fs layer\r\x1b[1B"
            "\n\x1b[1A\r\x1b[2Kbbbbbbbbbbbb: Pulling fs layer\r\x1b[1B");
  h.out.clear();
  // The first layer is two lines up from the cursor.
  h.event(Kind::transferring, "aaaaaaaaaaaa", 0, 1'000'000);
  EXPECT_EQ(h.out, "\x1b[2A\r\x1b[2Kaaaaaaaaaaaa: Downloading       0B/1MB\r\x1b[2B");
  h.out.clear();
  h.event(Kind::done, "bbbbbbbbbbbb");
  EXPECT_EQ(h.out, "\x1b[1A\r\x1b[2Kbbbbbbbbbbbb: Pull complete\r\x1b[1B");
}

TEST(TransferProgress, TerminalRedrawsAtMostTenTimesASecond) {
  Harness h({.direction = TransferProgressRenderer::Direction::pull, .terminal = true, .width = 80});
  h.now += seconds(1);
  h.event(Kind::transferring, "aaaaaaaaaaaa", 0, 1'000'000);
  h.out.clear();
  int redraws = 0;
  for (int i = 1; i <= 100; ++i) {  // 100 chunks in one second
    h.now += milliseconds(10);
    h.event(Kind::transferring, "aaaaaaaaaaaa", uint64_t(i) * 10'000, 1'000'000);
    if (!h.out.empty()) ++redraws;
    h.out.clear();
  }
  EXPECT_LE(redraws, 10);
  EXPECT_GE(redraws, 9);
  // Held-back bytes are drawn by finish().
  h.now += milliseconds(1);
  h.event(Kind::transferring, "aaaaaaaaaaaa", 1'000'000, 1'000'000);
  EXPECT_TRUE(h.out.empty());
  h.renderer.finish();
  EXPECT_NE(h.out.find("1MB/1MB"), std::string::npos) << h.out;
}

TEST(TransferProgress, TerminalShowsRateAndTimeLeft) {
  Harness h({.direction = TransferProgressRenderer::Direction::pull, .terminal = true, .width = 120});
  h.event(Kind::transferring, "aaaaaaaaaaaa", 0, 10'000'000);
  h.out.clear();
  h.now += seconds(2);
  h.event(Kind::transferring, "aaaaaaaaaaaa", 2'000'000, 10'000'000);
  EXPECT_NE(h.out.find("Downloading [==========>"), std::string::npos) << h.out;
  EXPECT_NE(h.out.find("      2MB/10MB  1MB/s  ETA 8s"), std::string::npos) << h.out;
}

TEST(TransferProgress, LongLinesAreCutToTheTerminal) {
  Harness h({.direction = TransferProgressRenderer::Direction::push, .terminal = true, .width = 30});
  h.event(Kind::mounted, "aaaaaaaaaaaa", 0, 0, "some/very/long/repository/name");
  EXPECT_EQ(h.out, "\n\x1b[1A\r\x1b[2Kaaaaaaaaaaaa: Mounted from so\r\x1b[1B");
}

}  // namespace
}  // namespace berth::cli
