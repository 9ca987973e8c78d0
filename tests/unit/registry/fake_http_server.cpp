#include "fake_http_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <stdexcept>

namespace berth::testing {

namespace {

std::string lowercase(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

// Reads one request: head up to the blank line, then Content-Length bytes of body.
bool read_request(int fd, FakeRequest& request) {
  std::string data;
  char buffer[65536];
  size_t head_end = std::string::npos;
  while ((head_end = data.find("\r\n\r\n")) == std::string::npos) {
    ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) return false;
    data.append(buffer, static_cast<size_t>(n));
    // A TLS ClientHello (record type 22): this server speaks plain HTTP only, so hang up at once.
    if (data.front() == '\x16') {
      request.method = "TLS";
      return false;
    }
  }
  std::string head = data.substr(0, head_end);
  std::string rest = data.substr(head_end + 4);
  size_t line_end = head.find("\r\n");
  std::string request_line = head.substr(0, line_end);
  auto first_space = request_line.find(' ');
  auto second_space = request_line.find(' ', first_space + 1);
  if (first_space == std::string::npos || second_space == std::string::npos) return false;
  request.method = request_line.substr(0, first_space);
  request.target = request_line.substr(first_space + 1, second_space - first_space - 1);
  auto question = request.target.find('?');
  request.path = request.target.substr(0, question);
  request.query = question == std::string::npos ? "" : request.target.substr(question + 1);
  size_t position = line_end == std::string::npos ? head.size() : line_end + 2;
  while (position < head.size()) {
    size_t end = head.find("\r\n", position);
    if (end == std::string::npos) end = head.size();
    std::string line = head.substr(position, end - position);
    if (auto colon = line.find(':'); colon != std::string::npos) {
      std::string value = line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.erase(0, 1);
      request.headers[lowercase(line.substr(0, colon))] = value;
    }
    position = end + 2;
  }
  size_t length = request.headers.contains("content-length") ? std::stoul(request.headers["content-length"]) : 0;
  while (rest.size() < length) {
    ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) return false;
    rest.append(buffer, static_cast<size_t>(n));
  }
  request.body = rest.substr(0, length);
  return true;
}

std::string head_text(int status, std::string_view reason, const Headers& headers, bool add_length,
                      size_t body_length) {
  std::string text = "HTTP/1.1 " + std::to_string(status) + " " + std::string(reason) + "\r\n";
  bool has_length = false;
  for (const auto& [name, value] : headers) {
    text += name + ": " + value + "\r\n";
    if (lowercase(name) == "content-length") has_length = true;
  }
  if (add_length && !has_length) text += "Content-Length: " + std::to_string(body_length) + "\r\n";
  text += "Connection: close\r\n\r\n";
  return text;
}

}  // namespace

void FakeConnection::send(std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n <= 0) return;  // the client went away: nothing left to say
    bytes.remove_prefix(static_cast<size_t>(n));
  }
}

void FakeConnection::respond(int status, std::string_view reason, const Headers& headers, std::string_view body) {
  send(head_text(status, reason, headers, true, body.size()));
  send(body);
}

void FakeConnection::respond_head(int status, std::string_view reason, const Headers& headers) {
  send(head_text(status, reason, headers, false, 0));
}

FakeHttpServer::FakeHttpServer(FakeHandler handler) : handler_(std::move(handler)) {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listen_fd_ < 0) throw std::runtime_error("fake server: socket failed");
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 || ::listen(listen_fd_, 16) != 0 ||
      ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    ::close(listen_fd_);
    throw std::runtime_error("fake server: bind/listen on 127.0.0.1:0 failed");
  }
  port_ = ntohs(address.sin_port);
  thread_ = std::thread([this] { serve(); });
}

FakeHttpServer::~FakeHttpServer() {
  stopping_ = true;
  ::shutdown(listen_fd_, SHUT_RDWR);  // wakes accept()
  thread_.join();
  ::close(listen_fd_);
}

int FakeHttpServer::count(std::string_view path_prefix) const {
  std::lock_guard lock(mutex_);
  int n = 0;
  for (const auto& request : requests_) n += request.path.starts_with(path_prefix) ? 1 : 0;
  return n;
}

std::vector<FakeRequest> FakeHttpServer::requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

void FakeHttpServer::serve() {
  while (!stopping_) {
    int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      return;
    }
    timeval timeout{5, 0};  // a client that never finishes its request must not hang the test
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    FakeRequest request;
    bool complete = read_request(fd, request);
    if (request.method == "TLS") ++tls_attempts_;
    if (complete) {
      {
        std::lock_guard lock(mutex_);
        requests_.push_back(request);
      }
      ++request_count_;
      FakeConnection connection(fd);
      handler_(request, connection);
    }
    ::shutdown(fd, SHUT_WR);
    ::close(fd);
  }
}

}  // namespace berth::testing
