#include "image/compression.h"

#include <gtest/gtest.h>
#include <zstd.h>

#include <cstdlib>
#include <fstream>
#include <random>

#include "image_test_support.h"

namespace berth {
namespace {

using test::as_bytes;
using test::as_string;
using test::zlib_gzip;

// Compressible but not trivially so: words with random numbers.
std::string sample_data(size_t size, unsigned seed = 1) {
  std::mt19937 random(seed);
  std::string text;
  while (text.size() < size) text += "layer " + std::to_string(random() % 100000) + " usr/bin/ ";
  text.resize(size);
  return text;
}

// Hands out its data in pieces of `piece` bytes, to hit every buffer boundary.
class TrickleSource final : public ByteSource {
 public:
  TrickleSource(std::string data, size_t piece) : data_(std::move(data)), piece_(piece) {}
  Result<size_t> read(std::span<std::byte> buffer) override {
    size_t count = std::min({buffer.size(), piece_, data_.size() - offset_});
    std::memcpy(buffer.data(), data_.data() + offset_, count);
    offset_ += count;
    return count;
  }

 private:
  std::string data_;
  size_t piece_;
  size_t offset_ = 0;
};

Result<std::string> decompress(const std::string& compressed, std::optional<Compression> kind, size_t piece = 1 << 20,
                               size_t out_piece = 1 << 16) {
  auto source = open_decompressed(std::make_unique<TrickleSource>(compressed, piece), kind);
  if (!source) return std::unexpected(source.error());
  std::string out;
  std::vector<std::byte> buffer(out_piece);
  for (;;) {
    BERTH_ASSIGN(size_t got, (*source)->read(buffer));
    if (got == 0) return out;
    out += as_string(std::span(buffer).first(got));
  }
}

std::string our_gzip(const std::string& data) {
  MemorySink out;
  auto compressor = open_gzip_compressor(out);
  EXPECT_TRUE(compressor);
  // Several writes of odd sizes, like a tar writer's.
  for (size_t offset = 0; offset < data.size(); offset += 70001)
    EXPECT_TRUE((*compressor)->write(as_bytes(data).subspan(offset, std::min<size_t>(70001, data.size() - offset))));
  EXPECT_TRUE((*compressor)->close());
  return as_string(out.data());
}

std::string zstd_compress(const std::string& data) {
  std::string out(ZSTD_compressBound(data.size()), '\0');
  size_t size = ZSTD_compress(out.data(), out.size(), data.data(), data.size(), 3);
  EXPECT_FALSE(ZSTD_isError(size));
  out.resize(size);
  return out;
}

TEST(DetectCompression, ByMagicNumber) {
  EXPECT_EQ(detect_compression(as_bytes(std::string("\x1f\x8b\x08", 3))), Compression::gzip);
  EXPECT_EQ(detect_compression(as_bytes(std::string("\x28\xb5\x2f\xfd\x00", 5))), Compression::zstd);
  EXPECT_EQ(detect_compression(as_bytes(std::string("\x28\xb5\x2f", 3))), Compression::none);
  EXPECT_EQ(detect_compression(as_bytes("usr/")), Compression::none);
  EXPECT_EQ(detect_compression({}), Compression::none);
  EXPECT_EQ(compression_name(Compression::zstd), "zstd");
  EXPECT_EQ(compression_name(Compression::gzip), "gzip");
}

TEST(Gzip, DecompressesZlibOutputWithEveryInputPiece) {
  std::string data = sample_data(300000);
  std::string compressed = zlib_gzip(data);
  for (size_t piece : {size_t{1}, size_t{7}, size_t{4096}, size_t{1} << 20}) {
    auto out = decompress(compressed, Compression::gzip, piece, 1000);
    ASSERT_TRUE(out) << piece << ": " << out.error().message;
    EXPECT_EQ(*out, data) << "input piece " << piece;
  }
}

TEST(Gzip, DetectedWhenKindIsNotGiven) {
  std::string data = sample_data(5000);
  auto out = decompress(zlib_gzip(data), std::nullopt, 1);  // the 4-byte sniff must survive 1-byte reads
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_EQ(*out, data);
}

TEST(Gzip, ConcatenatedMembersAsPigzWrites) {
  std::string first = sample_data(100000, 1), second = sample_data(1, 2), third = sample_data(250000, 3);
  std::string compressed = zlib_gzip(first) + zlib_gzip(second) + our_gzip(third);
  for (size_t piece : {size_t{1}, size_t{13}, size_t{1} << 20}) {
    auto out = decompress(compressed, std::nullopt, piece);
    ASSERT_TRUE(out) << out.error().message;
    EXPECT_EQ(out->size(), first.size() + second.size() + third.size());
    EXPECT_EQ(*out, first + second + third) << "input piece " << piece;
  }
}

TEST(Gzip, EmptyMemberIsFine) {
  auto out = decompress(zlib_gzip("") + zlib_gzip("x"), Compression::gzip);
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_EQ(*out, "x");
}

TEST(Gzip, TruncatedStreamIsAnError) {
  std::string compressed = zlib_gzip(sample_data(200000));
  // Cut in the deflate data, inside the trailer, and right after the header.
  for (size_t keep : {compressed.size() / 2, compressed.size() - 3, size_t{10}, size_t{1}}) {
    auto out = decompress(compressed.substr(0, keep), Compression::gzip);
    ASSERT_FALSE(out) << "kept " << keep;
    EXPECT_EQ(out.error().message, "gzip stream ends early (truncated layer?)") << "kept " << keep;
  }
}

TEST(Gzip, EmptyInputIsTruncated) {
  auto out = decompress("", Compression::gzip);
  ASSERT_FALSE(out);
  EXPECT_NE(out.error().message.find("ends early"), std::string::npos);
}

TEST(Gzip, CorruptDataIsAnError) {
  std::string compressed = zlib_gzip(sample_data(200000));
  for (size_t at : {compressed.size() / 3, compressed.size() / 2, compressed.size() - 20}) {
    std::string corrupt = compressed;
    corrupt[at] = static_cast<char>(corrupt[at] ^ 0x55);
    auto out = decompress(corrupt, Compression::gzip);
    ASSERT_FALSE(out) << "flipped byte " << at;
    EXPECT_TRUE(out.error().message.starts_with("gzip: invalid data: ")) << out.error().message;
  }
}

TEST(Gzip, WrongCrcInTrailerIsAnError) {
  std::string compressed = zlib_gzip(sample_data(1000));
  compressed[compressed.size() - 8] ^= 1;  // first byte of the CRC-32
  auto out = decompress(compressed, Compression::gzip);
  ASSERT_FALSE(out);
  EXPECT_NE(out.error().message.find("CRC or length"), std::string::npos) << out.error().message;
}

TEST(Gzip, WrongLengthInTrailerIsAnError) {
  std::string compressed = zlib_gzip(sample_data(1000));
  compressed[compressed.size() - 4] ^= 1;  // first byte of ISIZE
  auto out = decompress(compressed, Compression::gzip);
  ASSERT_FALSE(out);
  EXPECT_NE(out.error().message.find("CRC or length"), std::string::npos) << out.error().message;
}

TEST(Gzip, ZeroPaddingAfterTheLastMemberIsIgnored) {
  for (size_t piece : {size_t{1}, size_t{1} << 20}) {
    auto out = decompress(zlib_gzip("data") + std::string(10000, '\0'), Compression::gzip, piece);
    ASSERT_TRUE(out) << out.error().message;
    EXPECT_EQ(*out, "data");
  }
  auto garbage = decompress(zlib_gzip("data") + std::string(100, '\0') + "x", Compression::gzip);
  ASSERT_FALSE(garbage);
  EXPECT_NE(garbage.error().message.find("trailing garbage"), std::string::npos) << garbage.error().message;
}

TEST(Gzip, TrailingGarbageIsAnError) {
  auto out = decompress(zlib_gzip("data") + "garbage!", Compression::gzip);
  ASSERT_FALSE(out);
  EXPECT_NE(out.error().message.find("trailing garbage"), std::string::npos) << out.error().message;
}

TEST(Gzip, NotGzipAtAllIsAnError) {
  auto out = decompress("this is plain text", Compression::gzip);
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().message, "gzip: invalid data: not a gzip header");
}

TEST(GzipCompressor, RoundTripsAndWritesAValidGzipFile) {
  std::string data = sample_data(3 << 20);
  std::string compressed = our_gzip(data);
  EXPECT_LT(compressed.size(), data.size() / 2);
  auto out = decompress(compressed, std::nullopt, 1000);
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_EQ(*out, data);
  // The independent check: zlib (through libarchive) and gzip(1) accept it.
  archive* reader = archive_read_new();
  archive_read_support_filter_gzip(reader);
  archive_read_support_format_raw(reader);
  ASSERT_EQ(archive_read_open_memory(reader, compressed.data(), compressed.size()), ARCHIVE_OK);
  archive_entry* entry;
  ASSERT_EQ(archive_read_next_header(reader, &entry), ARCHIVE_OK);
  std::string via_zlib(data.size() + 10, '\0');
  la_ssize_t got = 0, total = 0;
  while ((got = archive_read_data(reader, via_zlib.data() + total, via_zlib.size() - total)) > 0) total += got;
  archive_read_free(reader);
  EXPECT_EQ(via_zlib.substr(0, static_cast<size_t>(total)), data);

  test::TempDir dir;
  std::string path = dir / "layer.gz";
  std::ofstream(path, std::ios::binary) << compressed;
  EXPECT_EQ(std::system(("gzip -t " + path).c_str()), 0);
}

TEST(GzipCompressor, EmptyInputIsAValidGzipStream) {
  auto out = decompress(our_gzip(""), std::nullopt);
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_EQ(*out, "");
}

TEST(GzipCompressor, WriteAfterCloseFails) {
  MemorySink out;
  auto compressor = open_gzip_compressor(out);
  ASSERT_TRUE(compressor);
  ASSERT_TRUE((*compressor)->close());
  EXPECT_FALSE((*compressor)->write(as_bytes("late")));
}

TEST(Zstd, DecompressesFramesWithEveryInputPiece) {
  std::string first = sample_data(400000, 4), second = sample_data(1000, 5);
  std::string compressed = zstd_compress(first) + zstd_compress(second);
  for (size_t piece : {size_t{1}, size_t{5}, size_t{1} << 20}) {
    auto out = decompress(compressed, std::nullopt, piece, 777);
    ASSERT_TRUE(out) << out.error().message;
    EXPECT_EQ(*out, first + second) << "input piece " << piece;
  }
}

TEST(Zstd, TruncatedStreamIsAnError) {
  std::string compressed = zstd_compress(sample_data(200000));
  for (size_t keep : {compressed.size() / 2, compressed.size() - 1, size_t{4}, size_t{0}}) {
    auto out = decompress(compressed.substr(0, keep), Compression::zstd);
    ASSERT_FALSE(out) << "kept " << keep;
    EXPECT_EQ(out.error().message, "zstd stream ends early (truncated layer?)") << "kept " << keep;
  }
}

TEST(Zstd, CorruptDataIsAnError) {
  std::string compressed = zstd_compress(sample_data(1000));
  compressed[5] = static_cast<char>(0xff);  // frame header descriptor
  auto out = decompress(compressed, Compression::zstd);
  ASSERT_FALSE(out);
  EXPECT_TRUE(out.error().message.starts_with("zstd: invalid data: ")) << out.error().message;
}

TEST(OpenDecompressed, UncompressedPassesThrough) {
  std::string data = "ustar-ish plain bytes";
  for (size_t piece : {size_t{1}, size_t{3}, size_t{100}}) {
    auto out = decompress(data, std::nullopt, piece);
    ASSERT_TRUE(out) << out.error().message;
    EXPECT_EQ(*out, data);
  }
  auto empty = decompress("", std::nullopt);
  ASSERT_TRUE(empty);
  EXPECT_EQ(*empty, "");
}

TEST(OpenDecompressed, BorrowedSourceStaysUsable) {
  std::string data = sample_data(10000);
  std::string compressed = zlib_gzip(data);
  MemorySource source(as_bytes(compressed));
  auto decompressed = open_decompressed(source, Compression::gzip);
  ASSERT_TRUE(decompressed);
  MemorySink sink;
  ASSERT_TRUE(copy_stream(**decompressed, sink));
  EXPECT_EQ(as_string(sink.data()), data);
}

}  // namespace
}  // namespace berth
