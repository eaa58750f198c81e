#include "common/core/bounded_executor.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

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

// Polls until `done` or five seconds pass.
template <class Done>
bool eventually(Done done) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

TEST(BoundedExecutor, LendsAWorkersShareToTheCallerWithinItsLimit) {
  common::BoundedExecutor executor(2, 4, "test", 1);
  {
    auto share = executor.try_inline();
    ASSERT_TRUE(share.has_value());
    EXPECT_EQ(executor.usage().busy, 1u);
    EXPECT_EQ(executor.usage().running_inline, 1u);
    EXPECT_FALSE(executor.try_inline().has_value()) << "beyond the inline limit";
  }
  EXPECT_EQ(executor.usage().busy, 0u);
  EXPECT_EQ(executor.usage().running_inline, 0u);

  common::BoundedExecutor never(2, 4, "test");
  EXPECT_FALSE(never.try_inline().has_value()) << "the default lends nothing";
}

TEST(BoundedExecutor, ALentShareCountsAsABusyWorker) {
  Gate gate;
  std::atomic<int> ran{0};
  common::BoundedExecutor executor(1, 2, "test", 1);
  auto share = executor.try_inline();
  ASSERT_TRUE(share.has_value());
  // The only share is lent: the task waits, and one more fits the queue.
  ASSERT_TRUE(executor.try_submit([&] { ++ran; }));
  ASSERT_TRUE(executor.try_submit([&] { ++ran; }));
  EXPECT_FALSE(executor.try_submit([&] { ++ran; }));
  EXPECT_EQ(executor.usage().queued, 2u);
  EXPECT_EQ(ran.load(), 0);

  share.reset();  // given back: the worker runs what waited
  EXPECT_TRUE(eventually([&] { return ran.load() == 2; }));

  // A busy worker lends nothing, and neither does an executor with tasks waiting.
  ASSERT_TRUE(executor.try_submit([&] { gate.pass(); }));
  gate.wait_for_waiting(1);
  EXPECT_FALSE(executor.try_inline().has_value());
  gate.release();
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
