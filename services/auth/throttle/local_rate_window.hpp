#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <unordered_map>

namespace auth {

// The same sliding window as RateLimiter's Redis script, in this process's memory: what a
// RateLimiter enforces while Redis is unreachable, so an outage does not lift the limits. Each
// replica counts on its own then, so across N replicas up to N times the limit is admitted:
// weaker than the shared count, never unlimited. At most `max_keys` keys are tracked; when
// that many are live at once, a new key is denied (fail closed) rather than memory growing
// without bound. Thread-safe.
class LocalRateWindow final {
 public:
  using Clock = std::chrono::steady_clock;

  struct Decision {
    bool allowed;
    std::chrono::microseconds retry_after;  // 0 when allowed
  };

  explicit LocalRateWindow(std::size_t max_keys = 100000) : max_keys_(max_keys) {}

  // Counts an attempt for `key` (only when `record` and admitted), like the Redis script.
  Decision evaluate(const std::string& key, std::int64_t max_attempts, std::chrono::microseconds window, bool record,
                    Clock::time_point now = Clock::now());
  void reset(const std::string& key);
  std::size_t keys() const;

 private:
  void purge_locked(Clock::time_point now, std::chrono::microseconds window);

  std::size_t max_keys_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, std::deque<Clock::time_point>> attempts_;
};

}  // namespace auth
