#include "image/byte_stream.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "image_test_support.h"

namespace berth {
namespace {

using test::as_bytes;
using test::as_string;

std::string read_all(ByteSource& source, size_t piece = 4096) {
  std::string out;
  std::vector<std::byte> buffer(piece);
  for (;;) {
    auto got = source.read(buffer);
    EXPECT_TRUE(got) << got.error().message;
    if (!got || *got == 0) return out;
    out += as_string(std::span(buffer).first(*got));
  }
}

TEST(MemorySource, ReadsInPiecesThenZero) {
  std::string text = "hello, layer";
  MemorySource source(as_bytes(text));
  EXPECT_EQ(read_all(source, 5), text);
  std::byte one[1];
  EXPECT_EQ(*source.read(one), 0u);
}

TEST(FdStreams, RoundTripThroughAPipe) {
  int fds[2];
  ASSERT_EQ(::pipe2(fds, O_CLOEXEC), 0);
  FdSource source{UniqueFd(fds[0])};
  {
    FdSink sink{UniqueFd(fds[1])};
    ASSERT_TRUE(sink.write(as_bytes("abc")));
    ASSERT_TRUE(sink.write(as_bytes("def")));
  }  // the owning sink closes the write end: the source sees the end
  EXPECT_EQ(read_all(source), "abcdef");
}

TEST(FdStreams, ReadErrorNamesTheFd) {
  FdSource source(-1);
  std::byte buffer[4];
  auto got = source.read(buffer);
  ASSERT_FALSE(got);
  EXPECT_NE(got.error().message.find("read fd -1"), std::string::npos) << got.error().message;
}

TEST(HashingSource, DigestsWhatPassedThrough) {
  std::string text(100000, 'x');
  MemorySource inner(as_bytes(text));
  HashingSource hashing(inner);
  EXPECT_EQ(read_all(hashing, 777), text);
  EXPECT_EQ(hashing.bytes(), text.size());
  EXPECT_EQ(hashing.digest(), Digest::of(text));
  EXPECT_EQ(hashing.digest(), Digest::of(text));  // stable when asked twice
}

TEST(HashingSink, DigestsAndForwards) {
  MemorySink inner;
  HashingSink hashing(inner);
  ASSERT_TRUE(hashing.write(as_bytes("ab")));
  ASSERT_TRUE(hashing.write(as_bytes("c")));
  EXPECT_EQ(as_string(inner.data()), "abc");
  EXPECT_EQ(hashing.bytes(), 3u);
  EXPECT_EQ(hashing.digest(), Digest::of("abc"));
}

TEST(CopyStream, CopiesEverything) {
  std::string text(3 << 20, 'q');
  text[12345] = 'z';
  MemorySource source(as_bytes(text));
  MemorySink sink;
  auto copied = copy_stream(source, sink);
  ASSERT_TRUE(copied) << copied.error().message;
  EXPECT_EQ(*copied, text.size());
  EXPECT_EQ(as_string(sink.data()), text);
}

TEST(BytePipe, CarriesDataAcrossThreadsInOrder) {
  BytePipe pipe(64 << 10);
  std::string expected;
  for (int i = 0; i < 20000; ++i) expected += std::to_string(i) + ",";
  std::thread producer([&] {
    // Uneven pushes, some larger than the capacity.
    size_t offset = 0, step = 1;
    while (offset < expected.size()) {
      size_t count = std::min(step, expected.size() - offset);
      ASSERT_TRUE(pipe.push(as_bytes(expected).subspan(offset, count)));
      offset += count;
      step = step * 7 % 150001 + 1;
    }
    pipe.close_write();
  });
  EXPECT_EQ(read_all(pipe.source(), 3000), expected);
  producer.join();
}

TEST(BytePipe, ProducerBlocksWhileFull) {
  BytePipe pipe(1000);
  std::atomic<bool> second_push_done = false;
  std::thread producer([&] {
    ASSERT_TRUE(pipe.push(as_bytes(std::string(1000, 'a'))));
    ASSERT_TRUE(pipe.push(as_bytes(std::string(10, 'b'))));
    second_push_done = true;
    pipe.close_write();
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_FALSE(second_push_done) << "push must wait while capacity bytes are queued";
  std::string all = read_all(pipe.source());
  producer.join();
  EXPECT_TRUE(second_push_done);
  EXPECT_EQ(all, std::string(1000, 'a') + std::string(10, 'b'));
}

TEST(BytePipe, ProducerErrorReachesTheReaderAfterTheData) {
  BytePipe pipe;
  std::thread producer([&] {
    ASSERT_TRUE(pipe.push(as_bytes("partial")));
    pipe.close_write(fail("download: connection reset"));
  });
  std::string received;
  std::vector<std::byte> buffer(100);
  Result<size_t> got;
  while ((got = pipe.source().read(buffer)) && *got > 0) received += as_string(std::span(buffer).first(*got));
  producer.join();
  EXPECT_EQ(received, "partial");
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().message, "download: connection reset");
}

TEST(BytePipe, ConsumerAbortUnblocksAndFailsTheProducer) {
  BytePipe pipe(100);
  Status last;
  std::thread producer([&] {
    // Keeps pushing until the consumer gives up; would block forever otherwise.
    for (int i = 0; i < 1000000 && last; ++i) last = pipe.push(as_bytes(std::string(50, 'x')));
  });
  std::byte buffer[10];
  ASSERT_TRUE(pipe.source().read(buffer));
  pipe.abort_read(Error{"extract: disk full", 28});
  producer.join();
  ASSERT_FALSE(last);
  EXPECT_EQ(last.error().message, "extract: disk full");
  EXPECT_EQ(last.error().errno_value, 28);
}

TEST(BytePipe, WorksAsASink) {
  BytePipe pipe;
  std::thread producer([&] {
    ByteSink& sink = pipe.sink();
    ASSERT_TRUE(sink.write(as_bytes("via sink")));
    ASSERT_TRUE(sink.close());
  });
  EXPECT_EQ(read_all(pipe.source()), "via sink");
  producer.join();
  EXPECT_FALSE(pipe.push(as_bytes("late")));
}

}  // namespace
}  // namespace berth
