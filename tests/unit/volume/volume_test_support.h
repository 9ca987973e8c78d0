// Fixtures for the volume tests: a fresh store root per test (under a
// private temporary directory, removed by RAII) and a snapshot of a sentinel
// tree outside every root, to prove nothing was read or written through it.
#pragma once

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <map>
#include <string>

#include "../store/store_test_support.h"
#include "volume/volume_service.h"

namespace berth::volume::testing {

using store::testing::read_text;
using store::testing::TempDir;
using store::testing::write_text;

// Every entry below dir (not following symlinks): type, mode, and content
// or link target; equal snapshots mean the tree was left alone.
inline std::map<std::string, std::string> snapshot(const std::filesystem::path& dir) {
  std::map<std::string, std::string> entries;
  std::error_code ignored;
  for (auto it = std::filesystem::recursive_directory_iterator(dir, ignored);
       it != std::filesystem::recursive_directory_iterator(); it.increment(ignored)) {
    struct stat info {};
    ::lstat(it->path().c_str(), &info);
    std::string value = std::to_string(info.st_mode) + ":" + std::to_string(info.st_uid) + ":";
    if (it->is_symlink())
      value += std::filesystem::read_symlink(it->path(), ignored).string();
    else if (it->is_regular_file())
      value += read_text(it->path());
    entries[std::filesystem::relative(it->path(), dir).string()] = value;
  }
  return entries;
}

class VolumeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(temp_.path().empty());
    paths_.root = temp_.path() / "root";
    paths_.runroot = temp_.path() / "run";
    auto opened = VolumeService::open(paths_);
    ASSERT_TRUE(opened) << opened.error().message;
    service_ = std::move(*opened);
    // Outside every root: nothing a test does may change it.
    sentinel_ = temp_.path() / "sentinel";
    std::filesystem::create_directories(sentinel_ / "inner");
    write_text(sentinel_ / "secret.txt", "sentinel");
    write_text(sentinel_ / "inner" / "deep.txt", "deep");
    sentinel_before_ = snapshot(sentinel_);
  }
  void TearDown() override { EXPECT_EQ(snapshot(sentinel_), sentinel_before_) << "the sentinel tree changed"; }

  Volume create(const std::string& name, std::map<std::string, std::string> labels = {},
                std::map<std::string, std::string> options = {}) {
    auto created = service_->create({.name = name, .labels = std::move(labels), .options = std::move(options)});
    EXPECT_TRUE(created) << created.error().message;
    return created ? created->volume : Volume{};
  }

  TempDir temp_;
  store::StorePaths paths_;
  std::unique_ptr<VolumeService> service_;
  std::filesystem::path sentinel_;
  std::map<std::string, std::string> sentinel_before_;
};

}  // namespace berth::volume::testing
