#include "shim/rfc3339_time.h"

#include <chrono>

namespace berth::shim {

namespace {

void append_digits(std::string& out, long value, int width) {
  char digits[20];
  for (int position = width - 1; position >= 0; --position) {
    digits[position] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
  out.append(digits, static_cast<size_t>(width));
}

}  // namespace

void append_rfc3339_nano(std::string& out, const timespec& time) {
  // Calendar arithmetic from <chrono>, not gmtime_r(): glibc's gmtime loads
  // time zone rules (and sscanf, strtod...) that UTC never needs, and a
  // static shim would carry that code in every container's memory.
  using namespace std::chrono;
  sys_seconds seconds{std::chrono::seconds{time.tv_sec}};
  sys_days day = floor<days>(seconds);
  year_month_day date{day};
  hh_mm_ss clock{seconds - day};
  append_digits(out, static_cast<int>(date.year()), 4);
  out.push_back('-');
  append_digits(out, static_cast<unsigned>(date.month()), 2);
  out.push_back('-');
  append_digits(out, static_cast<unsigned>(date.day()), 2);
  out.push_back('T');
  append_digits(out, clock.hours().count(), 2);
  out.push_back(':');
  append_digits(out, clock.minutes().count(), 2);
  out.push_back(':');
  append_digits(out, clock.seconds().count(), 2);
  long nanoseconds = time.tv_nsec;
  if (nanoseconds > 0) {
    int width = 9;
    while (nanoseconds % 10 == 0) {
      nanoseconds /= 10;
      --width;
    }
    out.push_back('.');
    append_digits(out, nanoseconds, width);
  }
  out.push_back('Z');
}

timespec realtime_now() {
  timespec now{};
  ::clock_gettime(CLOCK_REALTIME, &now);
  return now;
}

}  // namespace berth::shim
