#include "common/core/bounded_executor.hpp"

#include "common/core/log.hpp"

#include <pthread.h>

namespace common {

BoundedExecutor::BoundedExecutor(std::size_t threads, std::size_t max_queued, std::string name,
                                 std::size_t inline_limit)
    : max_queued_(max_queued), inline_limit_(inline_limit), name_(std::move(name)) {
  if (threads == 0) threads = 1;
  workers_.reserve(threads);
  for (std::size_t i = 0; i < threads; ++i) {
    workers_.emplace_back([this] { work(); });
    // Shows in top -H and in profiles (at most 15 characters).
    pthread_setname_np(workers_.back().native_handle(), name_.substr(0, 15).c_str());
  }
}

BoundedExecutor::~BoundedExecutor() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  ready_.notify_all();
  for (auto& worker : workers_) worker.join();
}

bool BoundedExecutor::try_submit(std::function<void()> task) {
  {
    std::lock_guard lock(mutex_);
    std::size_t idle = busy_ < workers_.size() ? workers_.size() - busy_ : 0;
    if (stopping_ || queue_.size() >= max_queued_ + idle) {
      ++refused_;
      return false;
    }
    queue_.push_back(std::move(task));
  }
  ready_.notify_one();
  return true;
}

std::optional<BoundedExecutor::InlineShare> BoundedExecutor::try_inline() {
  std::lock_guard lock(mutex_);
  if (stopping_ || running_inline_ >= inline_limit_ || busy_ >= workers_.size() || !queue_.empty()) {
    return std::nullopt;
  }
  ++running_inline_;
  ++busy_;
  return InlineShare(*this);
}

void BoundedExecutor::end_inline() {
  bool waiting = false;
  {
    std::lock_guard lock(mutex_);
    --running_inline_;
    --busy_;
    waiting = !queue_.empty();
  }
  // Only a task queued while the share was lent needs a worker: waking an idle one for nothing
  // would cost the very switch running inline saves.
  if (waiting) ready_.notify_one();
}

BoundedExecutor::Usage BoundedExecutor::usage() const {
  std::lock_guard lock(mutex_);
  return {workers_.size(), busy_, queue_.size(), refused_, running_inline_};
}

void BoundedExecutor::work() {
  std::unique_lock lock(mutex_);
  while (true) {
    // A task waits while every worker's share is taken, some of them lent to callers inline.
    ready_.wait(lock, [this] { return stopping_ || (!queue_.empty() && busy_ < workers_.size()); });
    if (queue_.empty()) return;  // stopping, and everything accepted has run
    auto task = std::move(queue_.front());
    queue_.pop_front();
    ++busy_;
    lock.unlock();
    try {
      task();
    } catch (const std::exception& e) {
      // Tasks answer their own errors; one escaping is a bug, but must not end the worker.
      log::error("task failed", {{"executor", name_}, {"error", e.what()}});
    }
    lock.lock();
    --busy_;
  }
}

}  // namespace common
