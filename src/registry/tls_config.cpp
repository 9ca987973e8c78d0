#include "registry/tls_config.h"

#include <curl/curl.h>

#include <algorithm>
#include <memory>
#include <system_error>

#include "base/file_io.h"

namespace berth {

namespace {

// curl's compiled-in bundle (CURLINFO_CAINFO, curl >= 7.84), else Debian's path.
std::string system_ca_bundle_path() {
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> handle(curl_easy_init(), &curl_easy_cleanup);
  char* path = nullptr;
  if (handle && curl_easy_getinfo(handle.get(), CURLINFO_CAINFO, &path) == CURLE_OK && path) return path;
  return "/etc/ssl/certs/ca-certificates.crt";
}

std::vector<std::filesystem::path> sorted_entries(const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> entries;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(dir, error)) entries.push_back(entry.path());
  std::ranges::sort(entries);
  return entries;
}

// Adds one directory's CAs and client certificate to config.
Result<void> add_directory(const std::filesystem::path& dir, TlsConfig& config, std::string& extra_cas) {
  std::error_code error;
  for (const auto& path : sorted_entries(dir)) {
    auto extension = path.extension().string();
    if (extension == ".crt") {
      BERTH_ASSIGN(std::string pem, read_file(path.string()));
      extra_cas += pem;
      if (!pem.empty() && pem.back() != '\n') extra_cas += '\n';
    } else if (extension == ".cert" && config.client_cert.empty()) {
      auto key = std::filesystem::path(path).replace_extension(".key");
      if (!std::filesystem::exists(key, error))
        return fail("client certificate {} has no key {}", path.string(), key.string());
      config.client_cert = path;
      config.client_key = key;
    } else if (extension == ".key") {
      auto cert = std::filesystem::path(path).replace_extension(".cert");
      if (!std::filesystem::exists(cert, error))
        return fail("client key {} has no certificate {}", path.string(), cert.string());
    }
  }
  return {};
}

void add_system_bundle(TlsConfig& config, const std::string& extra_cas) {
  if (extra_cas.empty()) return;
  // The system bundle may be absent on a minimal system: then the extras are all we trust.
  auto system = read_file(system_ca_bundle_path());
  config.ca_pem = system ? *system : std::string();
  if (!config.ca_pem.empty() && config.ca_pem.back() != '\n') config.ca_pem += '\n';
  config.ca_pem += extra_cas;
}

}  // namespace

Result<TlsConfig> load_tls_config(const std::vector<std::filesystem::path>& certs_dirs, std::string_view authority) {
  TlsConfig config;
  std::string extra_cas;
  // A name like "../x" must not leave the certs directory.
  if (authority.empty() || authority.find('/') != std::string_view::npos || authority == "." || authority == "..") {
    return config;
  }
  for (const auto& certs_dir : certs_dirs) {
    std::filesystem::path dir = certs_dir / std::string(authority);
    std::error_code error;
    if (!std::filesystem::is_directory(dir, error)) continue;
    BERTH_TRY(add_directory(dir, config, extra_cas));
  }
  add_system_bundle(config, extra_cas);
  return config;
}

Result<TlsConfig> load_tls_directory(const std::filesystem::path& dir) {
  std::error_code error;
  if (!std::filesystem::is_directory(dir, error)) return fail("certificate directory {}: not a directory", dir.string());
  TlsConfig config;
  std::string extra_cas;
  BERTH_TRY(add_directory(dir, config, extra_cas));
  add_system_bundle(config, extra_cas);
  return config;
}

}  // namespace berth
