// The pure parts of the rate limiter: Redis key names and Retry-After rounding.
#include "auth/throttle/rate_limiter.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

namespace {

using auth::RateLimiter;
using std::chrono::seconds;

TEST(RateLimitRulesTest, KeyIsNamespacedAndHashedSoNoUserInputReachesRedis) {
  auto key = RateLimiter::redis_key("login", "Alice@Example.com");
  const std::string prefix = "auth:rl:login:";
  ASSERT_EQ(key.rfind(prefix, 0), 0u) << key;
  auto digest = key.substr(prefix.size());
  EXPECT_EQ(digest.size(), 64u);
  EXPECT_EQ(digest.find_first_not_of("0123456789abcdef"), std::string::npos) << digest;
  EXPECT_EQ(key.find("lice"), std::string::npos);
  // SHA-256("alice@example.com"): the key is lower-cased, then hashed.
  EXPECT_EQ(digest, "ff8d9819fc0e12bf0d24892e45987e249a28dce836a85cad60e28eaaa8c6d976");
}

TEST(RateLimitRulesTest, KeyLengthIsBoundedWhateverTheInput) {
  EXPECT_EQ(RateLimiter::redis_key("login", std::string(100'000, 'x')).size(),
            RateLimiter::redis_key("login", "").size());
  EXPECT_NE(RateLimiter::redis_key("login", ""), RateLimiter::redis_key("login", "x"));
}

TEST(RateLimitRulesTest, KeyIgnoresAsciiCaseButNothingElse) {
  EXPECT_EQ(RateLimiter::redis_key("login", "ALICE"), RateLimiter::redis_key("login", "alice"));
  EXPECT_NE(RateLimiter::redis_key("login", "alice"), RateLimiter::redis_key("login", "alice "));
  EXPECT_NE(RateLimiter::redis_key("login", "alice"), RateLimiter::redis_key("login-ip", "alice"));
}

TEST(RateLimitRulesTest, RetryAfterRoundsUpToWholeSeconds) {
  EXPECT_EQ(RateLimiter::retry_after_from(1, seconds(60)), seconds(1));
  EXPECT_EQ(RateLimiter::retry_after_from(1'000'000, seconds(60)), seconds(1));
  EXPECT_EQ(RateLimiter::retry_after_from(1'000'001, seconds(60)), seconds(2));
  EXPECT_EQ(RateLimiter::retry_after_from(59'500'000, seconds(60)), seconds(60));
}

TEST(RateLimitRulesTest, RetryAfterIsAtLeastOneSecondAndAtMostOneWindow) {
  EXPECT_EQ(RateLimiter::retry_after_from(0, seconds(60)), seconds(1));
  EXPECT_EQ(RateLimiter::retry_after_from(-5, seconds(60)), seconds(1));
  EXPECT_EQ(RateLimiter::retry_after_from(90'000'000, seconds(60)), seconds(60));
}

TEST(RateLimitRulesTest, ConstructorRefusesALimitThatCouldNeverAllowOrNeverExpire) {
  common::RedisClient redis(common::RedisOptions{});  // connects lazily: never used here
  EXPECT_THROW(RateLimiter(redis, "login", {0, seconds(60)}), std::invalid_argument);
  EXPECT_THROW(RateLimiter(redis, "login", {5, seconds(0)}), std::invalid_argument);
  EXPECT_THROW(RateLimiter(redis, "", {5, seconds(60)}), std::invalid_argument);
  EXPECT_NO_THROW(RateLimiter(redis, "login", {1, seconds(1)}));
}

}  // namespace
