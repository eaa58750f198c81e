#include "common/core/bounded_executor.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>

namespace {

// A gate the tasks wait at until the test opens it.
struct Gate {
  std::mutex mutex;
  std::condition_variable changed;
  bool open = false;
  int waiting = 0;

  void pass() {
    std::unique_lock lock(mutex);
    ++waiting;
    changed.notify_all();
    changed.wait(lock, [this] { return open; });
  }
  void wait_for_waiting(int count) {
    std::unique_lock lock(mutex);
    changed.wait(lock, [&] { return waiting >= count; });
  }
  void release() {
    std::lock_guard lock(mutex);
    open = true;
    changed.notify_all();
  }
};

TEST(BoundedExecutor, RunsWhatItAcceptsAndRefusesBeyondItsQueue) {
  Gate gate;
  std::atomic<int> ran{0};
  {
    common::BoundedExecutor executor(2, 3, "test");
    for (int i = 0; i < 2; ++i) {
      ASSERT_TRUE(executor.try_submit([&] {
        gate.pass();
        ++ran;
      }));
    }
    gate.wait_for_waiting(2);  // both threads busy
    for (int i = 0; i < 3; ++i) EXPECT_TRUE(executor.try_submit([&] { ++ran; }));
    EXPECT_FALSE(executor.try_submit([&] { ++ran; }));
    auto usage = executor.usage();
    EXPECT_EQ(usage.busy, 2u);
    EXPECT_EQ(usage.queued, 3u);
    EXPECT_EQ(usage.refused, 1u);
    gate.release();
  }  // the destructor runs what was accepted
  EXPECT_EQ(ran.load(), 5);
}

TEST(BoundedExecutor, ATaskThatThrowsDoesNotEndItsWorker) {
  std::atomic<int> ran{0};
  {
    common::BoundedExecutor executor(1, 4, "test");
    ASSERT_TRUE(executor.try_submit([] { throw std::runtime_error("bug"); }));
    ASSERT_TRUE(executor.try_submit([&] { ++ran; }));
  }
  EXPECT_EQ(ran.load(), 1);
}

}  // namespace
