#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <stop_token>

namespace common {

// How a background loop that polls on an interval is woken early: by the request that just
// queued work for it, so that work is not left waiting for the next tick. Thread-safe.
class WakeSignal final {
 public:
  void wake() {
    {
      std::lock_guard lock(mutex_);
      pending_ = true;
    }
    woken_.notify_all();
  }

  // Waits until woken, `interval` passes or `stop` is requested.
  void wait(std::stop_token stop, std::chrono::nanoseconds interval) {
    std::unique_lock lock(mutex_);
    woken_.wait_for(lock, stop, interval, [&] { return pending_; });
    pending_ = false;
  }

 private:
  std::mutex mutex_;
  std::condition_variable_any woken_;
  bool pending_ = false;
};

}  // namespace common
