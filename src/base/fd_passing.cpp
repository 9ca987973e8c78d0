#include "base/fd_passing.h"

#include <sys/socket.h>
#include <sys/un.h>

#include <cstring>
#include <vector>

namespace berth {

Status send_with_fd(int socket_fd, std::string_view payload, int fd) {
  // A zero-length datagram cannot carry ancillary data on every socket type.
  char placeholder = 0;
  iovec vector{};
  vector.iov_base = payload.empty() ? &placeholder : const_cast<char*>(payload.data());
  vector.iov_len = payload.empty() ? 1 : payload.size();
  msghdr message{};
  message.msg_iov = &vector;
  message.msg_iovlen = 1;
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))]{};
  if (fd >= 0) {
    message.msg_control = control;
    message.msg_controllen = sizeof control;
    cmsghdr* header = CMSG_FIRSTHDR(&message);
    header->cmsg_level = SOL_SOCKET;
    header->cmsg_type = SCM_RIGHTS;
    header->cmsg_len = CMSG_LEN(sizeof(int));
    std::memcpy(CMSG_DATA(header), &fd, sizeof(int));
  }
  ssize_t sent;
  do {
    sent = ::sendmsg(socket_fd, &message, MSG_NOSIGNAL);
  } while (sent < 0 && errno == EINTR);
  if (sent < 0) return fail_errno(errno, "sendmsg");
  // The fd went with the first bytes; on a stream socket the rest may need more writes.
  size_t done = payload.empty() ? 0 : static_cast<size_t>(sent);
  while (done < payload.size()) {
    ssize_t n = ::send(socket_fd, payload.data() + done, payload.size() - done, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail_errno(errno, "send");
    done += static_cast<size_t>(n);
  }
  return {};
}

Result<ReceivedMessage> receive_with_fd(int socket_fd, size_t max_payload) {
  std::vector<char> buffer(max_payload);
  iovec vector{buffer.data(), buffer.size()};
  msghdr message{};
  message.msg_iov = &vector;
  message.msg_iovlen = 1;
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))]{};
  message.msg_control = control;
  message.msg_controllen = sizeof control;
  ssize_t received;
  do {
    received = ::recvmsg(socket_fd, &message, MSG_CMSG_CLOEXEC);
  } while (received < 0 && errno == EINTR);
  if (received < 0) return fail_errno(errno, "recvmsg");
  ReceivedMessage result;
  for (cmsghdr* header = CMSG_FIRSTHDR(&message); header; header = CMSG_NXTHDR(&message, header)) {
    if (header->cmsg_level == SOL_SOCKET && header->cmsg_type == SCM_RIGHTS) {
      int fd;
      std::memcpy(&fd, CMSG_DATA(header), sizeof(int));
      result.fd.reset(fd);
    }
  }
  result.payload.assign(buffer.data(), static_cast<size_t>(received));
  return result;
}

Result<UniqueFd> connect_unix(const std::string& path) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (path.size() >= sizeof address.sun_path) return fail("connect {}: path is too long for a unix socket", path);
  std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
  UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd) return fail_errno(errno, "socket");
  if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) != 0)
    return fail_errno(errno, "connect {}", path);
  return fd;
}

}  // namespace berth
