// The attach socket: many clients at once, each announcing in its hello
// frame which streams it wants. Output is fanned out to the clients that
// asked for it; a client whose unsent output passes 1 MiB is dropped, so a
// slow client never holds up the container or the log. Client requests
// (stdin data, stdin EOF, resize) are handed to an AttachInput.
#pragma once

#include <poll.h>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "base/unique_fd.h"
#include "shim/attach_frame.h"

namespace berth::shim {

class AttachInput {
 public:
  virtual ~AttachInput() = default;
  virtual void on_stdin(std::string_view data) = 0;
  virtual void on_stdin_eof() = 0;
  // A client that attached stdin went away (or ended its stream) without a
  // stdin-EOF frame: the end of the first client for StdinOnce.
  virtual void on_stdin_detach() = 0;
  virtual void on_resize(WindowSize size) = 0;
  // A client was dropped for misbehaving; `why` is one line.
  virtual void on_client_error(std::string_view why) = 0;
};

inline constexpr size_t max_client_backlog = 1024 * 1024;
inline constexpr size_t max_clients = 256;

class AttachServer {
 public:
  // Binds `path` (mode 0600) and listens; a stale socket file is replaced.
  static Result<AttachServer> listen(const std::string& path);

  AttachServer(AttachServer&&) = default;
  AttachServer& operator=(AttachServer&&) = default;

  // Serves a client connected before the shim started (a socket pair end),
  // whose hello must already be waiting in it: taken here, before any
  // output, and answered with the attached frame.
  Status adopt_client(UniqueFd fd);

  // Appends this server's fds to a poll set; handle_poll() gets back exactly
  // that slice. read_input=false pauses reading client frames (the
  // container's stdin is backed up) without missing hang-ups.
  void add_poll_fds(std::vector<pollfd>& fds, bool read_input) const;
  void handle_poll(std::span<const pollfd> fds, AttachInput& input);

  // Sends container output (frame_kind::stdout_data or stderr_data) to every
  // client that asked for that stream.
  void broadcast(uint8_t kind, std::string_view data);
  // Sends the exit frame to every client and closes each once it has its
  // bytes; clients connecting later get it at once.
  void send_exit(int exit_code);

  bool has_unsent_output() const;
  size_t client_count() const { return clients_.size(); }
  // Closes the listening socket and every client, and removes the socket file.
  void shut_down();

 private:
  struct Client {
    UniqueFd fd;
    FrameDecoder decoder;
    bool greeted = false;
    AttachStreams streams;
    bool stdin_ended = false;  // EOF frame seen, or the client stopped sending
    bool input_closed = false;
    bool close_when_flushed = false;
    bool dead = false;
    std::string drop_reason;  // set when dropped for misbehaving
    std::string outgoing;
    size_t sent = 0;
  };

  AttachServer(std::string path, UniqueFd listener) : path_(std::move(path)), listener_(std::move(listener)) {}
  void accept_clients();
  void queue(Client& client, uint8_t kind, std::string_view payload);
  void flush(Client& client);
  void read_from(Client& client, AttachInput& input);
  void handle_frame(Client& client, const Frame& frame, AttachInput& input);
  // The hello taken: output from here on reaches the client, and it is told so.
  void greet(Client& client, AttachStreams streams);
  static void drop(Client& client, std::string why);

  std::string path_;
  UniqueFd listener_;
  std::vector<Client> clients_;
  std::optional<int> exit_code_;
};

}  // namespace berth::shim
