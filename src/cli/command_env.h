// What every berth command works with: its stdio, the engine options (from
// the environment, then global flags) and the ImageService, opened on first
// use so that usage errors and --help never touch the store.
#pragma once

#include <cstdint>
#include <cstdio>
#include <functional>
#include <memory>
#include <optional>
#include <string_view>
#include <thread>

#include "base/result.h"
#include "engine/container_service.h"
#include "engine/image_service.h"
#include "volume/volume_service.h"

namespace berth::cli {

struct Io {
  std::FILE* in = stdin;
  std::FILE* out = stdout;
  std::FILE* err = stderr;
  bool in_is_terminal = false;
  bool out_is_terminal = false;
  int out_width = 0;  // columns of the output terminal; 0 when unknown
};

using ImageServiceFactory = std::function<Result<std::unique_ptr<ImageService>>(const EngineOptions&)>;
using UnixClock = std::function<int64_t()>;

class CommandEnv {
 public:
  CommandEnv(Io io, EngineOptions options, ImageServiceFactory open_images, UnixClock clock = {});
  ~CommandEnv();  // waits for an open_images_ahead() still running
  CommandEnv(const CommandEnv&) = delete;
  CommandEnv& operator=(const CommandEnv&) = delete;

  Io& io() { return io_; }
  const EngineOptions& options() const { return options_; }
  // pull/push/login --cert-dir (empty: the certs.d directories); call
  // before images() opens the service (an open_images_ahead is dropped).
  void use_cert_dir(const std::string& dir);
  Result<ImageService*> images();
  // Starts opening the image service on another thread, for a command that
  // needs it once its flags are parsed (run, create): the store's open, about
  // 1 ms of SQLite reading its schema and replaying its log, overlaps the
  // parsing. Only when the database exists already, so that a usage error or
  // --help still never makes a store. images() takes the outcome.
  void open_images_ahead();
  // The volume service on the same root, opened on first use.
  Result<volume::VolumeService*> volumes();
  // Containers need the local image store: an error when images() is a fake.
  Result<ContainerService*> containers();
  int64_t now() const;

  void out(std::string_view text);
  void err(std::string_view text);
  // "Error: <message>" on stderr; returns the exit status 1.
  int report(const Error& error);

 private:
  Io io_;
  EngineOptions options_;
  ImageServiceFactory open_images_;
  UnixClock clock_;
  std::unique_ptr<ImageService> images_;
  std::thread opening_;  // open_images_ahead's, until images() joins it
  std::optional<Result<std::unique_ptr<ImageService>>> opened_ahead_;
  std::unique_ptr<volume::VolumeService> volumes_;
  std::unique_ptr<ContainerService> containers_;
};

}  // namespace berth::cli
