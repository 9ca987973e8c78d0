// Debian's docker-registry (distribution 2.8) as a child process on
// 127.0.0.1 inside the test's private network namespace, storing in a temp dir.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <memory>
#include <string>

namespace berth::testing {

// A directory under /tmp, removed with everything in it.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

class DockerRegistry {
 public:
  static constexpr const char* kBinary = "/usr/bin/docker-registry";

  // Starts the registry and waits until GET /v2/ answers; an error text on failure.
  static std::unique_ptr<DockerRegistry> start(std::string& error);
  ~DockerRegistry();  // SIGTERM to our child by its pid, then waitpid

  std::string authority() const { return "127.0.0.1:" + std::to_string(port_); }
  std::string log() const;

 private:
  DockerRegistry() = default;
  TempDir dir_;
  pid_t pid_ = -1;
  int port_ = 0;
};

}  // namespace berth::testing
