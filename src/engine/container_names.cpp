#include "engine/container_names.h"

#include <sys/random.h>

#include <array>

namespace berth {

namespace {

constexpr std::array<std::string_view, 40> kAdjectives = {
    "agile", "amber", "bold",  "brave",  "bright",  "calm",   "clever", "cosmic", "crisp",  "daring",
    "eager", "epic",  "fair",  "fancy",  "fervent", "gentle", "glad",   "golden", "happy",  "hardy",
    "jolly", "keen",  "kind",  "lucid",  "lively",  "merry",  "misty",  "nimble", "noble",  "plucky",
    "proud", "quiet", "rapid", "serene", "sharp",   "steady", "sunny",  "swift",  "tender", "vivid"};
// Harbour words, for an engine named after a berth.
constexpr std::array<std::string_view, 40> kNouns = {
    "anchor",  "barge",  "beacon", "bollard",  "buoy",    "cargo",  "capstan", "channel",   "cleat",  "crane",
    "current", "dinghy", "dock",   "ferry",    "fender",  "galley", "gangway", "harbor",    "hawser", "helm",
    "hull",    "jetty",  "keel",   "lantern",  "lighter", "mast",   "mooring", "navigator", "oar",    "pier",
    "pilot",   "quay",   "rudder", "schooner", "sextant", "skiff",  "tide",    "tugboat",   "wharf",  "windlass"};

bool name_char(char c, bool first) {
  bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  return alnum || (!first && (c == '_' || c == '.' || c == '-'));
}

}  // namespace

Result<std::string> new_container_id() {
  unsigned char bytes[32];
  for (size_t got = 0; got < sizeof bytes;) {
    ssize_t n = ::getrandom(bytes + got, sizeof bytes - got, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail_errno(errno, "getrandom");
    got += static_cast<size_t>(n);
  }
  std::string id;
  id.reserve(64);
  for (unsigned char byte : bytes) id += fmt::format("{:02x}", byte);
  // Docker never hands out an all-digit short id (it would read as a number).
  if (id.find_first_not_of("0123456789") >= 12) id[0] = 'a';
  return id;
}

std::string random_container_name() {
  unsigned char pick[2] = {0, 0};
  if (::getrandom(pick, sizeof pick, 0) != sizeof pick) pick[0] = pick[1] = 0;
  return fmt::format("{}_{}", kAdjectives[pick[0] % kAdjectives.size()], kNouns[pick[1] % kNouns.size()]);
}

Result<std::string> check_container_name(std::string_view name) {
  std::string_view bare = name.starts_with('/') ? name.substr(1) : name;
  bool valid = bare.size() >= 2 && bare.size() <= 253;
  for (size_t i = 0; valid && i < bare.size(); ++i) valid = name_char(bare[i], i == 0);
  if (!valid) return fail("Invalid container name ({}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed", name);
  return std::string(bare);
}

}  // namespace berth
