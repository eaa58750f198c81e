#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace common {

// A fixed set of worker threads with a bounded queue, for blocking work (database calls) that
// must not run on gRPC's callback threads: those keep serving health checks and cheap calls
// whatever the database does. Sized with the connection pool, a worker never waits for a
// connection; when the queue is full, try_submit() refuses at once, so overload is answered
// quickly instead of queueing without bound.
//
// A caller may instead run a task on its own thread (try_inline) while a worker's share is free,
// nothing is queued and fewer than `inline_limit` tasks run inline: that saves the hand-off to a
// worker and back, which costs more than a point read on a small machine. A task run inline
// counts as a busy worker, so no more tasks run at once than there are workers, and the limit
// keeps how many of the caller's threads a hanging database can hold.
class BoundedExecutor final {
 public:
  BoundedExecutor(std::size_t threads, std::size_t max_queued, std::string name, std::size_t inline_limit = 0);
  // Runs what was accepted, then joins the workers.
  ~BoundedExecutor();
  BoundedExecutor(const BoundedExecutor&) = delete;
  BoundedExecutor& operator=(const BoundedExecutor&) = delete;

  // False (and `task` dropped) when the queue is full or the executor is stopping.
  bool try_submit(std::function<void()> task);

  // A worker's share lent to the calling thread while it exists.
  class InlineShare final {
   public:
    explicit InlineShare(BoundedExecutor& executor) : executor_(&executor) {}
    ~InlineShare() {
      if (executor_ != nullptr) executor_->end_inline();
    }
    InlineShare(InlineShare&& other) noexcept : executor_(std::exchange(other.executor_, nullptr)) {}
    InlineShare(const InlineShare&) = delete;
    InlineShare& operator=(const InlineShare&) = delete;
    InlineShare& operator=(InlineShare&&) = delete;

   private:
    BoundedExecutor* executor_;
  };
  // A share when the calling thread may run one task now; nothing when it must try_submit().
  std::optional<InlineShare> try_inline();

  struct Usage {
    std::size_t threads = 0;
    std::size_t busy = 0;            // running a task now, on a worker or inline
    std::size_t queued = 0;          // accepted, not started
    std::uint64_t refused = 0;       // since start
    std::size_t running_inline = 0;  // of `busy`, on callers' threads
  };
  Usage usage() const;

 private:
  void work();
  void end_inline();

  std::size_t max_queued_;
  std::size_t inline_limit_;
  std::string name_;
  mutable std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<std::function<void()>> queue_;
  std::size_t busy_ = 0;
  std::size_t running_inline_ = 0;
  std::uint64_t refused_ = 0;
  bool stopping_ = false;
  std::vector<std::thread> workers_;
};

}  // namespace common
