// Docker's `--user` resolution against the container's /etc/passwd and
// /etc/group: "name", "uid", "uid:gid", "name:group" (any part a name or a
// number), the user's supplementary groups from /etc/group, plus GroupAdd.
//
// Hand-written: the files are tiny, libc's getpwnam reads the host's files
// (not the container's), and Docker's exact rules and errors are the point.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "oci/runtime_spec.h"

namespace berth {

struct PasswdEntry {
  std::string name;
  uint32_t uid = 0, gid = 0;
  std::string home;
};

struct GroupEntry {
  std::string name;
  uint32_t gid = 0;
  std::vector<std::string> members;
};

// Malformed lines (too few fields, non-numeric ids) are skipped, as libc does.
std::vector<PasswdEntry> parse_passwd(std::string_view text);
std::vector<GroupEntry> parse_group(std::string_view text);

// `passwd`/`group`: the files' contents, nullopt when the rootfs has none.
// Errors as Docker's: "unable to find user foo: no matching entries in passwd file".
Result<oci::User> resolve_user(std::string_view user_spec, const std::vector<std::string>& group_add,
                               const std::optional<std::string>& passwd, const std::optional<std::string>& group);

}  // namespace berth
