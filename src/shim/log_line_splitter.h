// Cuts a byte stream into log entries the way Docker's log copier does: one
// entry per line (with its '\n'), a line longer than 16 KiB in 16 KiB pieces
// without '\n' (Docker's "partial" messages), and what is left without a
// newline at end of stream as a final partial entry.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace berth::shim {

class LogLineSplitter {
 public:
  static constexpr size_t max_piece = 16 * 1024;

  // Calls emit(std::string_view piece) for every entry completed by `data`.
  template <class Emit>
  void feed(std::string_view data, Emit&& emit) {
    while (!data.empty()) {
      size_t room = max_piece - pending_.size();
      size_t newline = data.substr(0, room).find('\n');
      size_t take;
      if (newline != std::string_view::npos) {
        take = newline + 1;
      } else if (data.size() >= room) {
        take = room;  // a full piece with no newline: a partial entry
      } else {
        pending_.append(data);
        return;
      }
      if (pending_.empty()) {
        emit(data.substr(0, take));  // the common case: no copy
      } else {
        pending_.append(data.substr(0, take));
        emit(std::string_view(pending_));
        pending_.clear();
      }
      data.remove_prefix(take);
    }
  }

  // End of stream: emits the unterminated rest, if any, as a partial entry.
  template <class Emit>
  void finish(Emit&& emit) {
    if (pending_.empty()) return;
    emit(std::string_view(pending_));
    pending_.clear();
  }

  size_t pending_size() const { return pending_.size(); }

 private:
  std::string pending_;
};

}  // namespace berth::shim
