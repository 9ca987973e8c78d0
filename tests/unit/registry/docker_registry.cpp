#include "docker_registry.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace berth::testing {

namespace {

// Bound and released: in our private namespace no one else can take it in between.
int free_loopback_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  int port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
    port = ntohs(address.sin_port);
  }
  ::close(fd);
  return port;
}

// One raw GET /v2/: true on a 200.
bool answers(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<uint16_t>(port));
  bool ok = false;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0) {
    std::string request = "GET /v2/ HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    if (::send(fd, request.data(), request.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(request.size())) {
      char buffer[64] = {};
      ssize_t n = ::recv(fd, buffer, sizeof buffer - 1, 0);
      ok = n > 0 && std::string_view(buffer, static_cast<size_t>(n)).starts_with("HTTP/1.1 200");
    }
  }
  ::close(fd);
  return ok;
}

}  // namespace

TempDir::TempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "berth-registry-test-XXXXXX").string();
  if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code error;
  std::filesystem::remove_all(path_, error);
}

std::unique_ptr<DockerRegistry> DockerRegistry::start(std::string& error) {
  std::unique_ptr<DockerRegistry> registry(new DockerRegistry);
  registry->port_ = free_loopback_port();
  if (registry->port_ == 0) {
    error = "no free loopback port";
    return nullptr;
  }
  auto config = registry->dir_.path() / "config.yml";
  std::ofstream(config) << "version: 0.1\n"
                           "log:\n"
                           "  level: error\n"
                           "  accesslog:\n"
                           "    disabled: true\n"
                           "storage:\n"
                           "  filesystem:\n"
                           "    rootdirectory: "
                        << (registry->dir_.path() / "data").string()
                        << "\n"
                           "  delete:\n"
                           "    enabled: true\n"
                           "http:\n"
                           "  addr: 127.0.0.1:"
                        << registry->port_ << "\n";
  auto log = registry->dir_.path() / "registry.log";
  pid_t pid = ::fork();
  if (pid < 0) {
    error = std::string("fork: ") + std::strerror(errno);
    return nullptr;
  }
  if (pid == 0) {
    int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) {
      ::dup2(fd, 1);
      ::dup2(fd, 2);
    }
    ::execl(kBinary, kBinary, "serve", config.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  registry->pid_ = pid;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  while (!answers(registry->port_)) {
    int status = 0;
    if (::waitpid(pid, &status, WNOHANG) == pid) {
      registry->pid_ = -1;
      error = "docker-registry exited early: " + registry->log();
      return nullptr;
    }
    if (std::chrono::steady_clock::now() > deadline) {
      error = "docker-registry did not answer within 15 s: " + registry->log();
      return nullptr;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return registry;
}

DockerRegistry::~DockerRegistry() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  int status = 0;
  for (int i = 0; i < 250; ++i) {  // 5 s for a graceful exit, then SIGKILL
    if (::waitpid(pid_, &status, WNOHANG) == pid_) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ::kill(pid_, SIGKILL);
  ::waitpid(pid_, &status, 0);
}

std::string DockerRegistry::log() const {
  std::ifstream in(dir_.path() / "registry.log");
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace berth::testing
