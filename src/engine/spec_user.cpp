// The lookup follows runc's libcontainer/user rules, which Docker uses: a
// numeric part is always an id, the first matching line wins, and a name
// that matches nothing is an error.
#include "engine/spec_user.h"

#include <charconv>

namespace berth {

namespace {

constexpr uint32_t kMaxId = 2147483647;  // ids are Go ints limited to int32 by runc

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    size_t end = text.find(separator, start);
    parts.push_back(text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
    if (end == std::string_view::npos) return parts;
    start = end + 1;
  }
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  return text;
}

std::optional<uint32_t> parse_id(std::string_view text) {
  uint64_t value = 0;
  if (text.empty()) return std::nullopt;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value > kMaxId) return std::nullopt;
  return static_cast<uint32_t>(value);
}

bool is_number(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text)
    if (c < '0' || c > '9') return false;
  return true;
}

// A numeric part that does not fit is Docker's ErrRange, not a name.
Result<std::optional<uint32_t>> numeric_part(std::string_view text) {
  if (!is_number(text)) return std::optional<uint32_t>();
  auto id = parse_id(text);
  if (!id) return fail("uids and gids must be in range 0-{}", kMaxId);
  return id;
}

template <class Line>
void for_each_line(std::string_view text, Line use) {
  for (auto raw : split(text, '\n')) {
    auto line = trim(raw);
    if (line.empty() || line.front() == '#') continue;
    use(line);
  }
}

}  // namespace

std::vector<PasswdEntry> parse_passwd(std::string_view text) {
  std::vector<PasswdEntry> entries;
  for_each_line(text, [&](std::string_view line) {
    auto fields = split(line, ':');
    if (fields.size() < 4 || fields[0].empty()) return;
    auto uid = parse_id(fields[2]);
    auto gid = parse_id(fields[3]);
    if (!uid || !gid) return;
    entries.push_back({std::string(fields[0]), *uid, *gid, fields.size() > 5 ? std::string(fields[5]) : ""});
  });
  return entries;
}

std::vector<GroupEntry> parse_group(std::string_view text) {
  std::vector<GroupEntry> entries;
  for_each_line(text, [&](std::string_view line) {
    auto fields = split(line, ':');
    if (fields.size() < 3 || fields[0].empty()) return;
    auto gid = parse_id(fields[2]);
    if (!gid) return;
    GroupEntry entry{std::string(fields[0]), *gid, {}};
    if (fields.size() > 3)
      for (auto member : split(fields[3], ','))
        if (!trim(member).empty()) entry.members.emplace_back(trim(member));
    entries.push_back(std::move(entry));
  });
  return entries;
}

Result<oci::User> resolve_user(std::string_view user_spec, const std::vector<std::string>& group_add,
                               const std::optional<std::string>& passwd, const std::optional<std::string>& group) {
  std::string_view user_part = user_spec, group_part;
  if (auto colon = user_spec.find(':'); colon != std::string_view::npos) {
    user_part = user_spec.substr(0, colon);
    group_part = user_spec.substr(colon + 1);
  }
  BERTH_ASSIGN(std::optional<uint32_t> uid_arg, numeric_part(user_part));
  BERTH_ASSIGN(std::optional<uint32_t> gid_arg, numeric_part(group_part));

  std::vector<PasswdEntry> users = passwd ? parse_passwd(*passwd) : std::vector<PasswdEntry>{};
  std::vector<GroupEntry> groups = group ? parse_group(*group) : std::vector<GroupEntry>{};

  oci::User result;  // uid 0, gid 0 unless found otherwise
  std::string matched_name;
  const PasswdEntry* match = nullptr;
  for (auto& entry : users) {
    bool hit = user_part.empty() ? entry.uid == 0 : uid_arg ? entry.uid == *uid_arg : entry.name == user_part;
    if (hit) {
      match = &entry;
      break;
    }
  }
  if (match) {
    matched_name = match->name;
    result.uid = match->uid;
    result.gid = match->gid;
  } else if (!user_part.empty()) {
    if (!uid_arg) return fail("unable to find user {}: no matching entries in passwd file", user_part);
    result.uid = *uid_arg;
  }

  std::vector<uint32_t> supplementary;
  if (!group_part.empty()) {
    const GroupEntry* found = nullptr;
    for (auto& entry : groups)
      if (gid_arg ? entry.gid == *gid_arg : entry.name == group_part) {
        found = &entry;
        break;
      }
    if (found) {
      result.gid = found->gid;
    } else {
      if (!gid_arg) return fail("unable to find group {}: no matching entries in group file", group_part);
      result.gid = *gid_arg;
    }
  } else if (!matched_name.empty()) {
    // Supplementary groups only in the implicit form ("name", not "name:group").
    for (auto& entry : groups)
      if (std::find(entry.members.begin(), entry.members.end(), matched_name) != entry.members.end())
        supplementary.push_back(entry.gid);
  }

  result.additional_gids.push_back(result.gid);
  result.additional_gids.insert(result.additional_gids.end(), supplementary.begin(), supplementary.end());

  // GroupAdd: a group name or gid of the container's /etc/group, or any number.
  std::vector<uint32_t> added;
  for (auto& wanted : group_add) {
    std::optional<uint32_t> gid;
    for (auto& entry : groups)
      if (entry.name == wanted || std::to_string(entry.gid) == wanted) {
        gid = entry.gid;
        break;
      }
    if (!gid) {
      BERTH_ASSIGN(std::optional<uint32_t> number, numeric_part(wanted));
      if (!number) return fail("Unable to find group {}: no matching entries in group file", wanted);
      gid = number;
    }
    if (std::find(added.begin(), added.end(), *gid) == added.end()) added.push_back(*gid);
  }
  result.additional_gids.insert(result.additional_gids.end(), added.begin(), added.end());
  return result;
}

}  // namespace berth
