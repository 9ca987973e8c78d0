// Timestamps as Go's time.RFC3339Nano prints them in UTC, the form Docker uses
// in json-file logs and state: 2026-11-23T07:00:00.123456789Z, with trailing
// zeros of the fraction dropped (and no fraction at all for whole seconds).
#pragma once

#include <time.h>

#include <string>

namespace berth::shim {

void append_rfc3339_nano(std::string& out, const timespec& time);

timespec realtime_now();

}  // namespace berth::shim
