// `volume ls --filter` and `volume prune --filter` with the daemon's
// semantics (moby's volume/service/convert.go and api/types/filters):
//   dangling=true|false|1|0  unreferenced volumes only / referenced ones only
//   driver=NAME              the driver's name, exactly
//   label=KEY / label=KEY=VALUE   all of them must match
//   label!=KEY[=VALUE]       (prune only) excluded when all of them match
//   name=TEXT                the name contains TEXT (^ and $ anchor it;
//                            docker takes a regular expression)
//   all=BOOL                 (prune only) named volumes too, not only anonymous
// Values of one key form a set, as docker's filters.Args.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "base/result.h"

namespace berth::volume {

enum class FilterUse { list, prune };

struct VolumeQuery {
  std::optional<bool> dangling;
  std::set<std::string> drivers, names, labels, not_labels;
  bool all = false;  // prune: named volumes too
};

// "name=value" strings (already split as the CLI's --filter does) to a
// query. Errors are docker's: "invalid filter 'foo'",
// "invalid filter 'dangling=[maybe]'", "invalid filter 'all=[0 1]': only one value is expected".
Result<VolumeQuery> parse_volume_filters(const std::vector<std::string>& filters, FilterUse use);

// docker's filters.ParseFlag on one --filter value: "bad format of filter
// (expected name=value)" without '='; the name is lowercased and both sides
// trimmed. Returns "name=value".
Result<std::string> normalize_filter_flag(std::string_view flag);

// The name, label and driver parts of the query (not dangling).
bool volume_matches(const VolumeQuery& query, const std::string& name, const std::string& driver,
                    const std::map<std::string, std::string>& labels);

}  // namespace berth::volume
