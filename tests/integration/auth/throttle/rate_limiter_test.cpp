// The auth rate limiter on a real Redis (TEST_REDIS_URL, started by scripts/test.sh).
#include "auth/throttle/rate_limiter.hpp"
#include "common/core/text.hpp"
#include "support/test_support.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <latch>
#include <memory>
#include <thread>
#include <vector>

namespace {

using namespace std::chrono_literals;

class RateLimiterTest : public ::testing::Test {
 protected:
  RateLimiterTest() : redis_(options()) {}

  static common::RedisOptions options() {
    return common::RedisOptions::from_url(test_support::required_env("TEST_REDIS_URL"));
  }

  // Keys and scopes unique per test, so tests never see each other's attempts.
  static std::string unique(const std::string& prefix) { return prefix + "-" + common::random_hex(6); }

  common::RedisClient redis_;
};

TEST_F(RateLimiterTest, AllowsExactlyMaxAttemptsThenDeniesWithRetryAfterWithinTheWindow) {
  auth::RateLimiter limiter(redis_, unique("login"), {3, 2s});
  auto key = unique("alice");
  for (int i = 0; i < 3; ++i) {
    auto decision = limiter.hit(key);
    EXPECT_TRUE(decision.allowed) << "attempt " << i + 1;
    EXPECT_EQ(decision.retry_after, 0s);
  }
  for (int i = 0; i < 2; ++i) {
    auto denied = limiter.hit(key);
    EXPECT_FALSE(denied.allowed);
    EXPECT_GT(denied.retry_after, 0s);
    EXPECT_LE(denied.retry_after, 2s);
  }
  auto peeked = limiter.peek(key);
  EXPECT_FALSE(peeked.allowed);
  EXPECT_GT(peeked.retry_after, 0s);
  EXPECT_LE(peeked.retry_after, 2s);
}

TEST_F(RateLimiterTest, KeysAreIndependent) {
  auth::RateLimiter limiter(redis_, unique("login"), {1, 60s});
  auto alice = unique("alice");
  auto bob = unique("bob");
  EXPECT_TRUE(limiter.hit(alice).allowed);
  EXPECT_FALSE(limiter.hit(alice).allowed);
  EXPECT_TRUE(limiter.hit(bob).allowed);
  EXPECT_FALSE(limiter.hit(bob).allowed);
}

TEST_F(RateLimiterTest, ScopesAreIndependent) {
  auth::RateLimiter per_account(redis_, unique("login"), {1, 60s});
  auth::RateLimiter per_ip(redis_, unique("login-ip"), {1, 60s});
  auto key = unique("203.0.113.7");
  EXPECT_TRUE(per_account.hit(key).allowed);
  EXPECT_FALSE(per_account.hit(key).allowed);
  EXPECT_TRUE(per_ip.hit(key).allowed);
  EXPECT_FALSE(per_ip.hit(key).allowed);
}

TEST_F(RateLimiterTest, KeysDifferingOnlyInCaseShareOneBudget) {
  auth::RateLimiter limiter(redis_, unique("login"), {1, 60s});
  auto key = unique("alice");
  std::string upper = key;
  std::transform(upper.begin(), upper.end(), upper.begin(), [](unsigned char c) { return std::toupper(c); });
  EXPECT_TRUE(limiter.hit(key).allowed);
  EXPECT_FALSE(limiter.hit(upper).allowed);
}

TEST_F(RateLimiterTest, ResetAllowsAgain) {
  auth::RateLimiter limiter(redis_, unique("login"), {2, 60s});
  auto key = unique("alice");
  EXPECT_TRUE(limiter.hit(key).allowed);
  EXPECT_TRUE(limiter.hit(key).allowed);
  EXPECT_FALSE(limiter.hit(key).allowed);
  limiter.reset(key);
  EXPECT_TRUE(limiter.peek(key).allowed);
  EXPECT_TRUE(limiter.hit(key).allowed);
  EXPECT_TRUE(limiter.hit(key).allowed);
  EXPECT_FALSE(limiter.hit(key).allowed);
}

TEST_F(RateLimiterTest, PeekDoesNotCount) {
  auth::RateLimiter limiter(redis_, unique("login"), {2, 60s});
  auto key = unique("alice");
  for (int i = 0; i < 5; ++i) {
    auto decision = limiter.peek(key);
    EXPECT_TRUE(decision.allowed);
    EXPECT_EQ(decision.retry_after, 0s);
  }
  EXPECT_TRUE(limiter.hit(key).allowed);
  EXPECT_TRUE(limiter.peek(key).allowed);
  EXPECT_TRUE(limiter.hit(key).allowed);
  EXPECT_FALSE(limiter.peek(key).allowed);
  EXPECT_FALSE(limiter.hit(key).allowed);
}

TEST_F(RateLimiterTest, AttemptsAreAllowedAgainOnceTheWindowHasPassed) {
  auth::RateLimiter limiter(redis_, unique("login"), {2, 1s});
  auto key = unique("alice");
  auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(limiter.hit(key).allowed);
  EXPECT_TRUE(limiter.hit(key).allowed);
  auto denied = limiter.hit(key);
  ASSERT_FALSE(denied.allowed);
  EXPECT_EQ(denied.retry_after, 1s);
  // Poll with peek (which records nothing) instead of sleeping a fixed time.
  ASSERT_TRUE(test_support::wait_until(3s, [&] { return limiter.peek(key).allowed; }));
  EXPECT_GE(std::chrono::steady_clock::now() - start, 900ms);  // not earlier than the window
  EXPECT_TRUE(limiter.hit(key).allowed);
}

TEST_F(RateLimiterTest, ConcurrentHitsOnOneKeyAdmitExactlyMaxAttempts) {
  const std::string scope = unique("login");
  const std::string key = unique("alice");
  constexpr int kThreads = 20;
  std::atomic<int> allowed{0};
  std::atomic<int> denied{0};
  std::latch start(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&] {
      // A connection per thread, as with several auth instances: the shared client's mutex
      // would otherwise serialise the checks and hide a race in the script.
      common::RedisClient redis(options());
      auth::RateLimiter limiter(redis, scope, {10, 60s});
      if (!redis.ping()) ADD_FAILURE() << "redis not reachable";  // connect before the race
      start.arrive_and_wait();
      (limiter.hit(key).allowed ? allowed : denied)++;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(allowed.load(), 10);
  EXPECT_EQ(denied.load(), 10);
}

TEST_F(RateLimiterTest, WithRedisDownTheLimitIsCountedInThisProcessWithoutThrowing) {
  common::RedisOptions down;
  down.port = test_support::free_port();  // nothing listens there
  down.timeout = 200ms;
  common::RedisClient unreachable(down);
  auth::RateLimiter limiter(unreachable, "login", {2, 60s});
  auth::RateDecision decision{false, 99s};
  for (int i = 0; i < 2; ++i) {
    EXPECT_NO_THROW(decision = limiter.hit("alice"));
    EXPECT_TRUE(decision.allowed);
    EXPECT_EQ(decision.retry_after, 0s);
  }
  EXPECT_NO_THROW(decision = limiter.hit("alice"));
  EXPECT_FALSE(decision.allowed) << "an outage must not lift the limit";
  EXPECT_GE(decision.retry_after, 59s);
  EXPECT_FALSE(limiter.peek("alice").allowed);
  EXPECT_TRUE(limiter.hit("bob").allowed);  // per key, as with Redis
  EXPECT_NO_THROW(limiter.reset("alice"));
  EXPECT_TRUE(limiter.hit("alice").allowed);
}

TEST(RateLimiterOutageTest, CountsLocallyWhileRedisIsDownAndSharedAgainOnceItIsBack) {
  test_support::RedisServer server;
  common::RedisOptions options = common::RedisOptions::from_url(server.url());
  options.timeout = 200ms;
  common::RedisClient redis(options);
  auth::RateLimiter limiter(redis, "login", {3, 60s});
  EXPECT_TRUE(limiter.hit("carol").allowed);  // in Redis
  server.stop();
  EXPECT_TRUE(limiter.hit("carol").allowed);  // local: 1
  EXPECT_TRUE(limiter.hit("carol").allowed);  // local: 2
  EXPECT_TRUE(limiter.hit("carol").allowed);  // local: 3
  EXPECT_FALSE(limiter.hit("carol").allowed);
  server.start();
  // Redis is the shared count again (it restarted empty here).
  EXPECT_TRUE(test_support::wait_until(3000ms, [&] { return limiter.hit("carol").allowed; }));
}

TEST_F(RateLimiterTest, RedisKeyIsHashedAndExpiresWithTheWindow) {
  const std::string scope = unique("login");
  const std::string marker = common::random_hex(6);
  const std::string key = "mallory." + marker + "@example.com";
  auth::RateLimiter limiter(redis_, scope, {5, 60s});
  ASSERT_TRUE(limiter.hit(key).allowed);

  auto keys = redis_.command({"KEYS", "auth:rl:*"});
  ASSERT_EQ(keys.kind, common::RedisReply::Kind::kArray);
  bool found = false;
  for (const auto& k : keys.elements) {
    EXPECT_EQ(k.text.find(marker), std::string::npos) << k.text;
    EXPECT_EQ(k.text.find("mallory"), std::string::npos) << k.text;
    EXPECT_EQ(k.text.find('@'), std::string::npos) << k.text;
    found = found || k.text == auth::RateLimiter::redis_key(scope, key);
  }
  EXPECT_TRUE(found) << "the limiter does not use RateLimiter::redis_key";
  // Bounded memory: the attempt log disappears one window after the last attempt.
  auto ttl = redis_.command({"PTTL", auth::RateLimiter::redis_key(scope, key)}).integer;
  EXPECT_GT(ttl, 0);
  EXPECT_LE(ttl, 60'000);
}

TEST_F(RateLimiterTest, WorksAgainAfterRedisForgetsTheScript) {
  auth::RateLimiter limiter(redis_, unique("login"), {1, 60s});
  auto key = unique("alice");
  EXPECT_TRUE(limiter.hit(key).allowed);
  redis_.command({"SCRIPT", "FLUSH"});  // as after a Redis restart: EVALSHA answers NOSCRIPT
  EXPECT_FALSE(limiter.hit(key).allowed);
  redis_.command({"SCRIPT", "FLUSH"});
  EXPECT_FALSE(limiter.peek(key).allowed);
}

}  // namespace
