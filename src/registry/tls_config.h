// Per-registry TLS material from certs.d directories, laid out as Docker and
// containers/image read them: <dir>/<host[:port]>/*.crt (extra CAs),
// <name>.cert + <name>.key (a client certificate).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace berth {

struct TlsConfig {
  bool verify_peer = true;  // false for insecure registries
  // The system CA bundle followed by the extra CAs, as PEM; empty when there
  // are no extra CAs (curl then uses its default bundle). curl takes one CA
  // source, so the extras cannot simply be added beside the system's.
  std::string ca_pem;
  std::filesystem::path client_cert;  // PEM, empty when none
  std::filesystem::path client_key;
};

// Reads <dir>/<authority>/ in each of certs_dirs that has it (all of them
// contribute, in order). A missing directory is not an error; a .cert
// without its .key is.
Result<TlsConfig> load_tls_config(const std::vector<std::filesystem::path>& certs_dirs, std::string_view authority);

// Reads one directory of certificates laid out as above, for any registry
// (podman's --cert-dir). Unlike a certs.d entry, it must exist.
Result<TlsConfig> load_tls_directory(const std::filesystem::path& dir);

}  // namespace berth
