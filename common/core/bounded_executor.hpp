#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace common {

// A fixed set of worker threads with a bounded queue, for blocking work (database calls) that
// must not run on gRPC's callback threads: those keep serving health checks and cheap calls
// whatever the database does. Sized with the connection pool, a worker never waits for a
// connection; when the queue is full, try_submit() refuses at once, so overload is answered
// quickly instead of queueing without bound.
class BoundedExecutor final {
 public:
  BoundedExecutor(std::size_t threads, std::size_t max_queued, std::string name);
  // Runs what was accepted, then joins the workers.
  ~BoundedExecutor();
  BoundedExecutor(const BoundedExecutor&) = delete;
  BoundedExecutor& operator=(const BoundedExecutor&) = delete;

  // False (and `task` dropped) when the queue is full or the executor is stopping.
  bool try_submit(std::function<void()> task);

  struct Usage {
    std::size_t threads = 0;
    std::size_t busy = 0;       // running a task now
    std::size_t queued = 0;     // accepted, not started
    std::uint64_t refused = 0;  // since start
  };
  Usage usage() const;

 private:
  void work();

  std::size_t max_queued_;
  std::string name_;
  mutable std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<std::function<void()>> queue_;
  std::size_t busy_ = 0;
  std::uint64_t refused_ = 0;
  bool stopping_ = false;
  std::vector<std::thread> workers_;
};

}  // namespace common
