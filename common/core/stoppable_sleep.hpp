#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <stop_token>

namespace common {

// Sleeps for `interval`, or less when `stop` is requested meanwhile: background loops end at
// shutdown without waiting out their period.
inline void sleep_unless_stopped(std::stop_token stop, std::chrono::nanoseconds interval) {
  std::mutex mutex;
  std::condition_variable_any stopped;
  std::unique_lock lock(mutex);
  stopped.wait_for(lock, stop, interval, [] { return false; });
}

}  // namespace common
