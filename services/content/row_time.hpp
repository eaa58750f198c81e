#pragma once

#include <chrono>
#include <cstdint>

namespace content {

// A timestamp selected as EXTRACT(EPOCH ...)::float8, back to microseconds.
inline std::chrono::system_clock::time_point from_epoch(double seconds) {
  return std::chrono::system_clock::time_point(
      std::chrono::microseconds(static_cast<std::int64_t>(seconds * 1e6 + (seconds >= 0 ? 0.5 : -0.5))));
}

}  // namespace content
