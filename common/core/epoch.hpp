#pragma once

#include <chrono>
#include <cstdint>

// Whole Unix seconds, the unit of JWT dates and of the revocation expiries in Redis.
namespace common {

inline std::int64_t epoch_seconds(std::chrono::system_clock::time_point t) {
  return std::chrono::floor<std::chrono::seconds>(t.time_since_epoch()).count();
}

inline std::chrono::system_clock::time_point from_epoch_seconds(std::int64_t seconds) {
  return std::chrono::system_clock::time_point(std::chrono::seconds(seconds));
}

}  // namespace common
