// What the volume commands share: docker's --filter flag parsing (a usage
// error, exit 125, as pflag reports a flag value it rejects) and the row a
// volume shows as in `volume ls` and its --format.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "cli/command_line.h"
#include "volume/volume_service.h"

namespace berth::cli {

// pflag's rejection of a flag value: `invalid argument "V" for "FLAG" flag: WHY`,
// then "See 'berth volume … --help'."; returns 125.
int flag_value_error(Invocation& invocation, std::string_view value, std::string_view flag, std::string_view why);

// docker's filters.ParseFlag on each --filter value (lowercased, trimmed
// name=value). A value without '=' is a flag error (the status to return).
std::optional<int> normalize_filter_flags(Invocation& invocation, std::vector<std::string>& filters,
                                          std::string_view flag);

// docker's volume list row: Availability, Driver, Group, Labels (k=v,… sorted),
// Links, Mountpoint, Name, Scope, Size, Status.
nlohmann::json volume_row_fields(const volume::Volume& volume);
const nlohmann::json& volume_headers();

// sortorder.NaturalLess, as docker sorts `volume ls`: runs of digits compare by value.
bool natural_less(std::string_view a, std::string_view b);

}  // namespace berth::cli
