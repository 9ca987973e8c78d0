// The files a user names in place of stdin or stdout (save -o, load -i,
// import FILE). Like a shell redirection they belong to the command line;
// what goes through them is the engine's business.
#pragma once

#include <string>
#include <utility>

#include "base/result.h"
#include "base/unique_fd.h"

namespace berth::cli {

Result<UniqueFd> open_input_file(const std::string& path);

// A file written under a temporary name in the same directory and renamed
// into place by commit(), as docker's CopyToFile does: an interrupted save
// never leaves a truncated archive under the name asked for. Mode 0600, as docker's.
class OutputFile {
 public:
  static Result<OutputFile> create(const std::string& path);
  OutputFile(OutputFile&& other) noexcept
      : path_(std::move(other.path_)),
        temporary_(std::exchange(other.temporary_, {})),
        fd_(std::move(other.fd_)),
        committed_(other.committed_) {}
  OutputFile& operator=(OutputFile&&) = delete;
  ~OutputFile();

  int fd() const { return fd_.get(); }
  Status commit();

 private:
  OutputFile(std::string path, std::string temporary, UniqueFd fd)
      : path_(std::move(path)), temporary_(std::move(temporary)), fd_(std::move(fd)) {}
  std::string path_, temporary_;
  UniqueFd fd_;
  bool committed_ = false;
};

}  // namespace berth::cli
