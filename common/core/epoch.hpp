#pragma once

#include <chrono>
#include <cstdint>

// Unix time: whole seconds (the unit of JWT dates and of the revocation expiries in Redis), and
// PostgreSQL's timestamps read as seconds.
namespace common {

inline std::int64_t epoch_seconds(std::chrono::system_clock::time_point t) {
  return std::chrono::floor<std::chrono::seconds>(t.time_since_epoch()).count();
}

inline std::chrono::system_clock::time_point from_epoch_seconds(std::int64_t seconds) {
  return std::chrono::system_clock::time_point(std::chrono::seconds(seconds));
}

// A PostgreSQL timestamp selected as EXTRACT(EPOCH FROM ...)::float8, back to the microsecond
// it holds: the nearest one, since the double may sit a hair below it.
inline std::chrono::system_clock::time_point from_epoch_float(double seconds) {
  return std::chrono::system_clock::time_point(
      std::chrono::microseconds(static_cast<std::int64_t>(seconds * 1e6 + (seconds >= 0 ? 0.5 : -0.5))));
}

// A PostgreSQL timestamp selected as (EXTRACT(EPOCH FROM ...) * 1000000)::int8.
inline std::chrono::system_clock::time_point from_epoch_micros(std::int64_t microseconds) {
  return std::chrono::system_clock::time_point(std::chrono::microseconds(microseconds));
}

}  // namespace common
