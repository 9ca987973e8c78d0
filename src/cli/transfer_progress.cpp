#include "cli/transfer_progress.h"

#include <fmt/format.h>

#include <algorithm>

#include "cli/human_units.h"

namespace berth::cli {

std::string progress_detail(uint64_t current, uint64_t total, int width, double elapsed_seconds) {
  if (width <= 0) width = 200;
  if (current == 0 && total == 0) return "";
  if (total == 0) return fmt::format("{:>8}", human_size(double(current)));

  int percentage = std::min(int(double(current) / double(total) * 100) / 2, 50);
  std::string bar;
  if (width > 110) bar = fmt::format("[{}>{}] ", std::string(percentage, '='), std::string(50 - percentage, ' '));
  std::string numbers = current > total
                            ? fmt::format("{:>8}", human_size(double(current)))
                            : fmt::format("{:>8}/{}", human_size(double(current)), human_size(double(total)));
  std::string timing;
  if (width > 50 && current > 0 && elapsed_seconds > 0) {
    double rate = double(current) / elapsed_seconds;
    timing = fmt::format("  {}/s", human_size_with_precision(rate, 3));
    if (percentage < 50 && current < total)
      timing += fmt::format("  ETA {}", go_duration_string(int64_t(double(total - current) / rate)));
  }
  return bar + numbers + timing;
}

TransferProgressRenderer::TransferProgressRenderer(Writer write, Options options)
    : write_(std::move(write)), options_(std::move(options)) {}

std::chrono::steady_clock::time_point TransferProgressRenderer::now() const {
  return options_.clock ? options_.clock() : std::chrono::steady_clock::now();
}

std::string TransferProgressRenderer::status_text(const TransferEvent& event, const Layer& layer) const {
  const bool pull = options_.direction == Direction::pull;
  using Kind = TransferEvent::Kind;
  switch (event.kind) {
    case Kind::waiting:
      if (layer.waits > 1) return "Waiting";
      return pull ? "Pulling fs layer" : "Preparing";
    case Kind::exists:
      return pull ? "Already exists" : "Layer already exists";
    case Kind::transferring:
      return pull ? "Downloading" : "Pushing";
    case Kind::extracting:
      return "Extracting";
    case Kind::verifying:
      return "Verifying Checksum";
    case Kind::done:
      return pull ? "Pull complete" : "Pushed";
    case Kind::mounted:
      return "Mounted from " + event.message;
    case Kind::resolved:
      break;
  }
  return "";
}

std::string TransferProgressRenderer::line_text(const Layer& layer, std::chrono::steady_clock::time_point now) const {
  std::string text = layer.id + ": " + layer.status;
  if (layer.kind == TransferEvent::Kind::transferring || layer.kind == TransferEvent::Kind::extracting) {
    double elapsed = std::chrono::duration<double>(now - layer.phase_start).count();
    std::string detail = progress_detail(layer.current, layer.total, options_.width, elapsed);
    if (!detail.empty()) text += " " + detail;
  }
  // A line that wraps would throw the cursor arithmetic off.
  if (options_.width > 1 && text.size() >= size_t(options_.width)) text.resize(options_.width - 1);
  return text;
}

// The cursor rests on the line below the last layer; layer i is (n - i) lines up.
void TransferProgressRenderer::draw(size_t index, std::chrono::steady_clock::time_point now) {
  const size_t up = layers_.size() - index;
  write_(fmt::format("\x1b[{}A\r\x1b[2K{}\r\x1b[{}B", up, line_text(layers_[index], now), up));
  layers_[index].dirty = false;
}

void TransferProgressRenderer::draw_dirty(std::chrono::steady_clock::time_point now) {
  for (size_t i = 0; i < layers_.size(); ++i)
    if (layers_[i].dirty) draw(i, now);
  last_redraw_ = now;
}

void TransferProgressRenderer::on_event(const TransferEvent& event) {
  if (event.kind == TransferEvent::Kind::resolved) {
    manifest_digest_ = event.message;
    return;
  }
  if (event.id.empty()) return;
  const auto now = this->now();

  auto found = std::find_if(layers_.begin(), layers_.end(), [&](const Layer& l) { return l.id == event.id; });
  const bool added = found == layers_.end();
  if (added) {
    layers_.push_back(Layer{.id = event.id, .kind = event.kind});
    if (options_.terminal) write_("\n");  // room for the new line; the cursor stays below it
    found = layers_.end() - 1;
  }
  Layer& layer = *found;
  if (added || layer.kind != event.kind) layer.phase_start = now;
  layer.kind = event.kind;
  if (event.kind == TransferEvent::Kind::waiting) ++layer.waits;
  layer.current = event.current;
  layer.total = event.total;
  std::string status = status_text(event, layer);
  const bool state_changed = added || status != layer.status;
  layer.status = std::move(status);

  if (!options_.terminal) {
    if (state_changed) write_(layer.id + ": " + layer.status + "\n");
    return;
  }
  layer.dirty = true;
  if (state_changed || now - last_redraw_ >= options_.redraw_interval) draw_dirty(now);
}

void TransferProgressRenderer::finish() {
  if (options_.terminal) draw_dirty(now());
}

}  // namespace berth::cli
