#include "auth/throttle/local_rate_window.hpp"

namespace auth {

void LocalRateWindow::purge_locked(Clock::time_point now, std::chrono::microseconds window) {
  for (auto it = attempts_.begin(); it != attempts_.end();) {
    auto& times = it->second;
    while (!times.empty() && times.front() <= now - window) times.pop_front();
    it = times.empty() ? attempts_.erase(it) : std::next(it);
  }
}

LocalRateWindow::Decision LocalRateWindow::evaluate(const std::string& key, std::int64_t max_attempts,
                                                    std::chrono::microseconds window, bool record,
                                                    Clock::time_point now) {
  std::lock_guard lock(mutex_);
  auto found = attempts_.find(key);
  if (found == attempts_.end()) {
    if (!record) return {true, {}};
    if (attempts_.size() >= max_keys_) purge_locked(now, window);
    if (attempts_.size() >= max_keys_) return {false, std::chrono::duration_cast<std::chrono::microseconds>(window)};
    found = attempts_.emplace(key, std::deque<Clock::time_point>{}).first;
  }
  auto& times = found->second;
  while (!times.empty() && times.front() <= now - window) times.pop_front();
  if (static_cast<std::int64_t>(times.size()) < max_attempts) {
    if (record) times.push_back(now);
    return {true, {}};
  }
  // Free again once the oldest attempts that keep it at the limit have left the window.
  auto oldest_counted = times[times.size() - static_cast<std::size_t>(max_attempts)];
  return {false, std::chrono::duration_cast<std::chrono::microseconds>(oldest_counted + window - now)};
}

void LocalRateWindow::reset(const std::string& key) {
  std::lock_guard lock(mutex_);
  attempts_.erase(key);
}

std::size_t LocalRateWindow::keys() const {
  std::lock_guard lock(mutex_);
  return attempts_.size();
}

}  // namespace auth
