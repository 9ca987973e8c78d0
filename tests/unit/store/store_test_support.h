// Shared fixtures for the store tests: a fresh store root per test (removed
// by RAII), and running a piece of a test in a forked child process.
#pragma once

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include "store/store_paths.h"

namespace berth::store::testing {

class TempDir {
 public:
  TempDir() {
    char pattern[] = "/tmp/berth-store-test.XXXXXX";
    if (::mkdtemp(pattern) != nullptr) path_ = pattern;
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() {
    if (path_.empty()) return;
    // Tests make read-only and mode-000 directories; as root remove_all copes,
    // otherwise give everything back u+rwx first.
    std::error_code ignored;
    for (auto it = std::filesystem::recursive_directory_iterator(path_, ignored);
         it != std::filesystem::recursive_directory_iterator(); it.increment(ignored))
      if (it->is_directory(ignored) && !it->is_symlink(ignored)) ::chmod(it->path().c_str(), 0700);
    std::filesystem::remove_all(path_, ignored);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

inline std::string read_text(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::stringstream out;
  out << in.rdbuf();
  return out.str();
}

inline void write_text(const std::filesystem::path& file, const std::string& text) {
  std::ofstream(file, std::ios::binary) << text;
}

inline size_t count_entries(const std::filesystem::path& dir) {
  size_t count = 0;
  std::error_code ignored;
  for (auto it = std::filesystem::directory_iterator(dir, ignored); it != std::filesystem::directory_iterator();
       it.increment(ignored))
    ++count;
  return count;
}

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(temp_.path().empty()) << "mkdtemp failed";
    paths_.root = temp_.path() / "root";
    paths_.runroot = temp_.path() / "run";
    auto prepared = prepare_store_dirs(paths_);
    ASSERT_TRUE(prepared) << prepared.error().message;
  }

  TempDir temp_;
  StorePaths paths_;
};

// Runs body in a forked child and returns its exit status (the child never
// returns into GoogleTest). -1 when it did not exit normally.
inline int run_in_child(const std::function<int()>& body) {
  pid_t pid = ::fork();
  if (pid == 0) ::_exit(body());
  int status = 0;
  if (pid < 0 || ::waitpid(pid, &status, 0) != pid) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// Forks `count` children at once (so they really race), each running
// body(index); returns their exit statuses.
inline std::vector<int> run_children_concurrently(int count, const std::function<int(int)>& body) {
  std::vector<pid_t> pids;
  for (int index = 0; index < count; ++index) {
    pid_t pid = ::fork();
    if (pid == 0) ::_exit(body(index));
    pids.push_back(pid);
  }
  std::vector<int> statuses;
  for (pid_t pid : pids) {
    int status = 0;
    if (pid < 0 || ::waitpid(pid, &status, 0) != pid) {
      statuses.push_back(-1);
      continue;
    }
    statuses.push_back(WIFEXITED(status) ? WEXITSTATUS(status) : -1);
  }
  return statuses;
}

}  // namespace berth::store::testing
