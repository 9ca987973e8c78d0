// Pull and push progress, drawn as docker draws it (moby's jsonmessage):
//
// On a terminal, one line per layer, redrawn in place with ANSI cursor
// movement as events arrive:
//   a1b2c3d4e5f6: Downloading [=====>                ]  12.35MB/45.6MB  3.21MB/s  ETA 10s
//   f6e5d4c3b2a1: Pull complete
// The bar is shown on terminals wider than 110 columns, the rate and time
// left on terminals wider than 50, as docker decides. Byte-count updates are
// redrawn at most every `redraw_interval` (10 times a second by default); a
// change of state (Downloading → Pull complete) is drawn at once.
//
// Elsewhere (a log, a pipe), one plain line per change of state and none per
// chunk: "a1b2c3d4e5f6: Downloading" once, then "…: Pull complete".
//
// The engine calls the progress callback from several threads but one at a
// time, so the renderer keeps no lock of its own.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/image_service.h"

namespace berth::cli {

class TransferProgressRenderer {
 public:
  enum class Direction { pull, push };
  using Clock = std::function<std::chrono::steady_clock::time_point()>;
  using Writer = std::function<void(std::string_view)>;

  struct Options {
    Direction direction = Direction::pull;
    bool terminal = false;
    int width = 0;  // terminal columns; 0 when unknown (docker then assumes 200)
    Clock clock;    // steady_clock::now when empty
    std::chrono::milliseconds redraw_interval{100};
  };

  TransferProgressRenderer(Writer write, Options options);

  void on_event(const TransferEvent& event);
  // Draws what rate limiting held back. Call before printing anything else.
  void finish();
  // From the "resolved" event: the manifest digest; empty before it.
  const std::string& manifest_digest() const { return manifest_digest_; }

 private:
  struct Layer {
    std::string id;
    TransferEvent::Kind kind;
    int waits = 0;
    std::string status;
    uint64_t current = 0, total = 0;
    std::chrono::steady_clock::time_point phase_start;
    bool dirty = false;
  };

  std::string status_text(const TransferEvent& event, const Layer& layer) const;
  std::string line_text(const Layer& layer, std::chrono::steady_clock::time_point now) const;
  void draw(size_t index, std::chrono::steady_clock::time_point now);
  void draw_dirty(std::chrono::steady_clock::time_point now);
  std::chrono::steady_clock::time_point now() const;

  Writer write_;
  Options options_;
  std::vector<Layer> layers_;
  std::string manifest_digest_;
  std::chrono::steady_clock::time_point last_redraw_{};
};

// The text after a transferring layer's status: docker's bar and byte counts,
// then the rate and time left:
//   "[=====>      ]  12.35MB/45.6MB  3.21MB/s  ETA 10s"
// width is the terminal's (0: unknown, taken as 200); elapsed_seconds the time
// since this layer's transfer began (rate and time left need it above zero).
std::string progress_detail(uint64_t current, uint64_t total, int width, double elapsed_seconds);

}  // namespace berth::cli
