#include "shim/attach_server.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

#include "shim/shim_error.h"

namespace berth::shim {

namespace {

// Reads per wake-up per client: enough for stdin bursts, small enough that
// one chatty client cannot starve the container's output.
constexpr int reads_per_wakeup = 4;

}  // namespace

Result<AttachServer> AttachServer::listen(const std::string& path) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (path.size() >= sizeof address.sun_path) return shim_fail("attach socket path too long: ", path);
  std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
  UniqueFd listener(::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!listener) return shim_fail_errno(errno, "socket for ", path);
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) return shim_fail_errno(errno, "remove stale ", path);
  // The socket file takes its mode from the umask at bind(): no window in
  // which it is reachable by others (single-threaded, so the umask is ours).
  mode_t previous = ::umask(0177);
  int bound = ::bind(listener.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address);
  int bind_errno = errno;
  ::umask(previous);
  if (bound != 0) return shim_fail_errno(bind_errno, "bind ", path);
  if (::listen(listener.get(), 32) != 0) return shim_fail_errno(errno, "listen on ", path);
  return AttachServer(path, std::move(listener));
}

Status AttachServer::adopt_client(UniqueFd fd) {
  // The hello is peeked, then only its own bytes are consumed: whatever
  // follows it is the loop's to read. A hello is a few words long.
  char bytes[64];
  ssize_t got = ::recv(fd.get(), bytes, sizeof bytes, MSG_DONTWAIT | MSG_PEEK);
  if (got < 0) return shim_fail_errno(errno, "attach client: read its hello");
  FrameDecoder decoder(sizeof bytes - frame_header_size);
  decoder.append(std::string_view(bytes, static_cast<size_t>(got)));
  auto frame = decoder.next();
  if (!frame) return shim_fail("attach client: ", frame.error().message);
  if (!*frame) return shim_fail("attach client: no complete hello waiting");
  if ((*frame)->kind != frame_kind::hello)
    return shim_fail("attach client: first frame is kind ", static_cast<int>((*frame)->kind), ", not hello");
  auto streams = parse_hello((*frame)->payload);
  if (!streams) return shim_fail("attach client: ", streams.error().message);
  size_t length = frame_header_size + (*frame)->payload.size();
  if (::recv(fd.get(), bytes, length, MSG_DONTWAIT) != static_cast<ssize_t>(length))
    return shim_fail_errno(errno, "attach client: take its hello");
  Client& client = clients_.emplace_back();
  client.fd = std::move(fd);
  greet(client, *streams);
  return {};
}

void AttachServer::greet(Client& client, AttachStreams streams) {
  client.streams = streams;
  client.greeted = true;
  queue(client, frame_kind::attached, {});
  flush(client);
}

void AttachServer::add_poll_fds(std::vector<pollfd>& fds, bool read_input) const {
  fds.push_back({listener_.get(), static_cast<short>(listener_ ? POLLIN : 0), 0});
  for (const Client& client : clients_) {
    short events = 0;
    if (read_input && !client.input_closed && !client.dead) events |= POLLIN;
    if (client.sent < client.outgoing.size() && !client.dead) events |= POLLOUT;
    fds.push_back({client.fd.get(), events, 0});
  }
}

void AttachServer::handle_poll(std::span<const pollfd> fds, AttachInput& input) {
  for (size_t index = 0; index + 1 < fds.size() && index < clients_.size(); ++index) {
    Client& client = clients_[index];
    short revents = fds[index + 1].revents;
    if (client.dead) continue;
    if (revents & POLLIN) read_from(client, input);
    if (!client.dead && (revents & POLLOUT)) flush(client);
    // POLLHUP on a unix stream socket means the peer closed both ways; a
    // half-close (client done sending) still wants its output.
    if (!client.dead && (revents & (POLLHUP | POLLERR | POLLNVAL))) client.dead = true;
  }
  for (Client& client : clients_) {
    if (!client.dead) continue;
    if (!client.drop_reason.empty()) input.on_client_error(client.drop_reason);
    if (client.streams.stdin_stream && !client.stdin_ended) input.on_stdin_detach();
  }
  std::erase_if(clients_, [](const Client& client) { return client.dead; });
  if (!fds.empty() && (fds[0].revents & POLLIN)) accept_clients();
}

void AttachServer::accept_clients() {
  for (;;) {
    UniqueFd fd(::accept4(listener_.get(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC));
    if (!fd) return;                               // EAGAIN, or a connection that failed before we took it
    if (clients_.size() >= max_clients) continue;  // closes it: beyond the limit
    Client& client = clients_.emplace_back();
    client.fd = std::move(fd);
    if (exit_code_) {
      queue(client, frame_kind::exit, std::to_string(*exit_code_));
      client.close_when_flushed = true;
      flush(client);
    }
  }
}

void AttachServer::queue(Client& client, uint8_t kind, std::string_view payload) {
  if (client.dead) return;
  if (client.outgoing.size() - client.sent + frame_header_size + payload.size() > max_client_backlog) {
    drop(client, "attach client dropped: more than 1 MiB of output unread");
    return;
  }
  if (client.sent > 0 && client.sent == client.outgoing.size()) {
    client.outgoing.clear();
    client.sent = 0;
  }
  append_frame(client.outgoing, kind, payload);
}

void AttachServer::flush(Client& client) {
  while (client.sent < client.outgoing.size()) {
    ssize_t written = ::send(client.fd.get(), client.outgoing.data() + client.sent,
                             client.outgoing.size() - client.sent, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (written < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN) return;
      client.dead = true;  // the client went away
      return;
    }
    client.sent += static_cast<size_t>(written);
  }
  client.outgoing.clear();
  client.sent = 0;
  // Give back what a burst made us hold: idle clients must stay cheap.
  if (client.outgoing.capacity() > 64 * 1024) std::string().swap(client.outgoing);
  if (client.close_when_flushed) client.dead = true;
}

void AttachServer::read_from(Client& client, AttachInput& input) {
  char buffer[16 * 1024];
  for (int round = 0; round < reads_per_wakeup && !client.dead && !client.input_closed; ++round) {
    ssize_t received = ::recv(client.fd.get(), buffer, sizeof buffer, MSG_DONTWAIT);
    if (received < 0) {
      if (errno == EINTR) continue;
      if (errno != EAGAIN) client.dead = true;
      return;
    }
    if (received == 0) {
      client.input_closed = true;
      if (client.streams.stdin_stream && !client.stdin_ended) {
        client.stdin_ended = true;
        input.on_stdin_detach();
      }
      return;
    }
    client.decoder.append(std::string_view(buffer, static_cast<size_t>(received)));
    for (;;) {
      auto frame = client.decoder.next();
      if (!frame) {
        drop(client, frame.error().message);
        return;
      }
      if (!*frame) break;
      handle_frame(client, **frame, input);
      if (client.dead) return;
    }
  }
}

void AttachServer::handle_frame(Client& client, const Frame& frame, AttachInput& input) {
  if (!client.greeted) {
    if (frame.kind != frame_kind::hello) {
      drop(client, "attach client dropped: first frame is kind " + std::to_string(frame.kind) + ", not hello");
      return;
    }
    auto streams = parse_hello(frame.payload);
    if (!streams) {
      drop(client, "attach client dropped: " + streams.error().message);
      return;
    }
    greet(client, *streams);
    return;
  }
  switch (frame.kind) {
    case frame_kind::stdin_data:
      if (client.streams.stdin_stream && !client.stdin_ended) input.on_stdin(frame.payload);
      return;
    case frame_kind::stdin_eof:
      if (client.streams.stdin_stream && !client.stdin_ended) {
        client.stdin_ended = true;
        input.on_stdin_eof();
      }
      return;
    case frame_kind::resize: {
      auto size = parse_resize(frame.payload);
      if (!size) {
        drop(client, "attach client dropped: " + size.error().message);
        return;
      }
      input.on_resize(*size);
      return;
    }
    default:
      return;  // unknown kinds are skipped (see attach_frame.h)
  }
}

void AttachServer::drop(Client& client, std::string why) {
  client.dead = true;
  client.drop_reason = std::move(why);
}

void AttachServer::broadcast(uint8_t kind, std::string_view data) {
  for (Client& client : clients_) {
    if (!client.greeted || client.dead) continue;
    bool wanted = kind == frame_kind::stderr_data ? client.streams.stderr_stream : client.streams.stdout_stream;
    if (!wanted) continue;
    bool was_idle = client.sent == client.outgoing.size();
    queue(client, kind, data);
    if (was_idle && !client.dead) flush(client);
  }
}

void AttachServer::send_exit(int exit_code) {
  exit_code_ = exit_code;
  std::string payload = std::to_string(exit_code);
  for (Client& client : clients_) {
    if (client.dead) continue;
    // The exit frame must arrive even behind a full backlog: it is the one
    // frame every client waits for, and it is small.
    append_frame(client.outgoing, frame_kind::exit, payload);
    client.close_when_flushed = true;
    flush(client);
  }
}

bool AttachServer::has_unsent_output() const {
  return std::any_of(clients_.begin(), clients_.end(),
                     [](const Client& client) { return !client.dead && client.sent < client.outgoing.size(); });
}

void AttachServer::shut_down() {
  clients_.clear();
  if (listener_) {
    listener_.reset();
    ::unlink(path_.c_str());
  }
}

}  // namespace berth::shim
