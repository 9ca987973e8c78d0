// Passing file descriptors over unix sockets (SCM_RIGHTS), with a payload.
#pragma once

#include <string>
#include <string_view>

#include "base/result.h"
#include "base/unique_fd.h"

namespace berth {

// Sends `payload` and, when fd >= 0, the fd with its first bytes (one
// sendmsg; on a stream socket a long payload may take more writes).
Status send_with_fd(int socket_fd, std::string_view payload, int fd);

struct ReceivedMessage {
  std::string payload;
  UniqueFd fd;  // invalid when none was sent
};

// One recvmsg of at most max_payload bytes. An empty payload with no fd means
// the peer closed the socket.
Result<ReceivedMessage> receive_with_fd(int socket_fd, size_t max_payload = 65536);

// connect() to a unix socket path; the error names the path.
Result<UniqueFd> connect_unix(const std::string& path);

}  // namespace berth
