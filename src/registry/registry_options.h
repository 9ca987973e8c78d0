// What a registry client may do and where it finds credentials and certificates.
#pragma once

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "base/version.h"

namespace berth {

// $DOCKER_CONFIG/config.json, else ~/.docker/config.json ($HOME, then the
// passwd entry): the file `docker login` writes, so one login serves both.
std::filesystem::path default_docker_config_path();

struct RegistryOptions {
  // host[:port] (or an IPv4 CIDR such as "10.0.0.0/8") allowed over plain HTTP
  // and over HTTPS without verification. Loopback hosts (localhost,
  // 127.0.0.0/8, ::1) are always allowed over plain HTTP.
  std::vector<std::string> insecure_registries;
  std::filesystem::path docker_config = default_docker_config_path();
  // <dir>/<host[:port]>/: *.crt are extra CAs, client.cert + client.key (or
  // any <name>.cert with <name>.key) a client certificate, as Docker reads them.
  std::vector<std::filesystem::path> certs_dirs = {"/etc/berth/certs.d", "/etc/docker/certs.d",
                                                   "/etc/containers/certs.d"};
  // --cert-dir: the certificates themselves (*.crt, *.cert, *.key), used for
  // every registry in place of certs_dirs. Empty: certs_dirs.
  std::filesystem::path cert_dir;
  std::string user_agent = std::string("berth/") + kBerthVersion;
  int max_attempts = 4;  // per transfer, for transient failures (broken connections, 5xx, 429)
  // First pause between attempts; it doubles each time. Tests shorten it.
  std::chrono::milliseconds retry_backoff{500};
};

}  // namespace berth
