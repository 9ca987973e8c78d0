// A layer directory to extract into, next to an "outside" directory with
// sentinel files that hostile tarballs aim at: every test can check that the
// outside is byte-for-byte and inode-for-inode as it was.
#pragma once

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include "base/unique_fd.h"
#include "image/layer_extract.h"
#include "image_test_support.h"

namespace berth::test {

class LayerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(base_.path().empty());
    layer_ = base_ / "layer";
    outside_ = base_ / "outside";
    ASSERT_EQ(::mkdir(layer_.c_str(), 0755), 0);
    ASSERT_EQ(::mkdir(outside_.c_str(), 0755), 0);
    ASSERT_EQ(::mkdir((outside_ + "/dir").c_str(), 0750), 0);
    write_file(outside_ + "/file", "sentinel", 0640);
    write_file(outside_ + "/dir/victim", "victim", 0600);
    layer_fd_.reset(::open(layer_.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    ASSERT_TRUE(layer_fd_);
    outside_before_ = tree_snapshot(outside_);
  }

  void TearDown() override {
    EXPECT_EQ(tree_snapshot(outside_), outside_before_) << "something outside the layer changed";
  }

  static void write_file(const std::string& path, const std::string& content, mode_t mode) {
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
    ASSERT_GE(fd, 0) << path;
    ASSERT_EQ(::write(fd, content.data(), content.size()), static_cast<ssize_t>(content.size()));
    ::close(fd);
    ASSERT_EQ(::chmod(path.c_str(), mode), 0);
  }

  Result<ExtractResult> extract(const std::string& tar, const ExtractOptions& options = {}) {
    MemorySource source(as_bytes(tar));
    return extract_layer(source, layer_fd_.get(), options);
  }

  // Extraction must fail, with a message containing `expected`.
  void expect_rejected(const std::string& tar, std::string_view expected) {
    auto result = extract(tar);
    ASSERT_FALSE(result) << "extraction succeeded; expected an error containing: " << expected;
    EXPECT_NE(result.error().message.find(expected), std::string::npos) << result.error().message;
  }

  std::string in_layer(std::string_view name) const { return layer_ + "/" + std::string(name); }

  TempDir base_;
  std::string layer_, outside_, outside_before_;
  UniqueFd layer_fd_;
};

}  // namespace berth::test
