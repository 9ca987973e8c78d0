#include "runtime/sync_channel.h"

namespace berth::runtime {

Status send_step(int socket_fd, SyncStep step, std::string_view text, int fd) {
  std::string message(1, static_cast<char>(step));
  message.append(text);
  return send_with_fd(socket_fd, message, fd);
}

Result<SyncMessage> receive_step(int socket_fd, std::string_view peer) {
  auto received = receive_with_fd(socket_fd);
  if (!received) return std::unexpected(std::move(received.error()));
  const std::string& payload = received->payload;
  if (payload.empty()) return fail("{} exited before it was ready", peer);
  return SyncMessage{static_cast<SyncStep>(payload.front()), payload.substr(1), std::move(received->fd)};
}

Result<SyncMessage> expect_step(int socket_fd, SyncStep expected, std::string_view peer) {
  BERTH_ASSIGN(SyncMessage message, receive_step(socket_fd, peer));
  if (message.step == SyncStep::failed) return fail("{}", message.text);
  if (message.step != expected)
    return fail("{} sent step '{}' where '{}' was expected", peer, static_cast<char>(message.step),
                static_cast<char>(expected));
  return message;
}

}  // namespace berth::runtime
