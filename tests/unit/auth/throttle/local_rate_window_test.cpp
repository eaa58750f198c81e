#include "auth/throttle/local_rate_window.hpp"

#include <gtest/gtest.h>

namespace {

using namespace std::chrono_literals;
using auth::LocalRateWindow;

TEST(LocalRateWindow, AdmitsUpToTheLimitPerKeyAndSaysWhenTheNextFits) {
  LocalRateWindow window;
  auto t0 = LocalRateWindow::Clock::time_point{} + 1h;
  EXPECT_TRUE(window.evaluate("a", 2, 60s, true, t0).allowed);
  EXPECT_TRUE(window.evaluate("a", 2, 60s, true, t0 + 10s).allowed);
  auto denied = window.evaluate("a", 2, 60s, true, t0 + 20s);
  EXPECT_FALSE(denied.allowed);
  EXPECT_EQ(denied.retry_after, std::chrono::microseconds(40s));  // the first attempt leaves at t0 + 60 s
  EXPECT_TRUE(window.evaluate("b", 2, 60s, true, t0 + 20s).allowed);
  // A denied attempt is not counted; the window slides.
  EXPECT_TRUE(window.evaluate("a", 2, 60s, true, t0 + 61s).allowed);
  EXPECT_FALSE(window.evaluate("a", 2, 60s, false, t0 + 62s).allowed);
  window.reset("a");
  EXPECT_TRUE(window.evaluate("a", 2, 60s, false, t0 + 62s).allowed);
}

TEST(LocalRateWindow, IsBoundedAndRefusesNewKeysWhenFullOfLiveOnes) {
  LocalRateWindow window(2);
  auto t0 = LocalRateWindow::Clock::time_point{} + 1h;
  EXPECT_TRUE(window.evaluate("a", 5, 60s, true, t0).allowed);
  EXPECT_TRUE(window.evaluate("b", 5, 60s, true, t0).allowed);
  EXPECT_FALSE(window.evaluate("c", 5, 60s, true, t0).allowed);
  EXPECT_EQ(window.keys(), 2u);
  // Once the others expired, their room is reused.
  EXPECT_TRUE(window.evaluate("c", 5, 60s, true, t0 + 61s).allowed);
  EXPECT_EQ(window.keys(), 1u);
}

}  // namespace
