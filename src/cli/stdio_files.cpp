#include "cli/stdio_files.h"

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <filesystem>

namespace berth::cli {

Result<UniqueFd> open_input_file(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return fail_errno(errno, "open {}", path);
  return fd;
}

Result<OutputFile> OutputFile::create(const std::string& path) {
  std::filesystem::path target(path);
  std::filesystem::path directory = target.has_parent_path() ? target.parent_path() : std::filesystem::path(".");
  std::string temporary = (directory / ".berth_temp_XXXXXX").string();
  UniqueFd fd(::mkostemp(temporary.data(), O_CLOEXEC));  // mode 0600
  if (!fd) return fail_errno(errno, "create a temporary file in {}", directory.string());
  return OutputFile(path, std::move(temporary), std::move(fd));
}

OutputFile::~OutputFile() {
  if (!committed_ && !temporary_.empty()) ::unlink(temporary_.c_str());
}

Status OutputFile::commit() {
  if (::fsync(fd_.get()) != 0) return fail_errno(errno, "write {}", path_);
  if (::close(fd_.release()) != 0) return fail_errno(errno, "write {}", path_);
  if (::rename(temporary_.c_str(), path_.c_str()) != 0) return fail_errno(errno, "rename to {}", path_);
  committed_ = true;
  return {};
}

}  // namespace berth::cli
