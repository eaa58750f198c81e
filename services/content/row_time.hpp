#pragma once

#include <chrono>
#include <cstdint>

namespace content {

// The two timestamps every owned row has, selected as seconds under their own names.
inline constexpr const char* kTimestampColumns =
    "EXTRACT(EPOCH FROM created_at)::float8 AS created_at, EXTRACT(EPOCH FROM updated_at)::float8 AS updated_at";

// A timestamp selected as EXTRACT(EPOCH ...)::float8, back to microseconds.
inline std::chrono::system_clock::time_point from_epoch(double seconds) {
  return std::chrono::system_clock::time_point(
      std::chrono::microseconds(static_cast<std::int64_t>(seconds * 1e6 + (seconds >= 0 ? 0.5 : -0.5))));
}

}  // namespace content
