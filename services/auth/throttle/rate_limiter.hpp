#pragma once

#include "auth/throttle/local_rate_window.hpp"
#include "common/redis/redis_client.hpp"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace auth {

struct RateLimit {
  std::int64_t max_attempts;
  std::chrono::seconds window;
};

struct RateDecision {
  bool allowed;
  std::chrono::seconds retry_after;  // 0 when allowed
};

// Limits attempts per key (account, email, client IP) with a sliding window shared by every
// auth instance through Redis.
//
// Design: each key is a sorted set of attempt timestamps (microseconds, Redis server clock), at
// "auth:rl:<scope>:<sha256(lower(key))>". One Lua script (EVALSHA, EVAL on NOSCRIPT) trims the
// attempts that left the window, counts the rest and, on a hit within the limit, records the
// attempt — atomically, in one round trip, so concurrent callers on any instance can never
// admit more than `max_attempts`. Only admitted attempts are recorded: the set never holds more
// than `max_attempts` members and expires one window after the last of them. A sliding window
// (instead of a fixed one) has no boundary burst of 2 x max_attempts, and its Retry-After is
// exact: the time until enough of the oldest counted attempts leave the window.
//
// Callers pass canonical keys (the login path: the account id, else the identifier's key from
// auth/identity.hpp, so no spelling opens a budget of its own). Keys are also normalised to
// ASCII lower case and then hashed: Redis keys stay bounded in length whatever a client sends,
// and no email or username appears in Redis (KEYS, MONITOR, RDB dumps).
//
// Neither open nor closed when Redis fails: login must keep working while Redis is down, and
// the limits must hold too. So each process then counts in its own memory (LocalRateWindow,
// the same window and limits) until Redis answers again; with N replicas an attacker gets at
// most N times the limit during the outage, never unlimited guesses. One warning per outage.
// No method throws to its caller, except the constructor on an invalid limit.
//
// Thread-safe: the state lives in Redis (in memory during an outage); the RedisClient
// serialises its connection.
class RateLimiter final {
 public:
  // `scope` names the limited action ("login", "login-ip", ...) and comes from code, never from
  // a client. Throws std::invalid_argument unless max_attempts >= 1 and window >= 1 s.
  RateLimiter(common::RedisClient& redis, std::string scope, RateLimit limit);

  // Records one attempt for `key` and says whether it is within the limit. A denied attempt is
  // not recorded, so Retry-After stays honest for a client that keeps retrying.
  RateDecision hit(const std::string& key);
  // Whether `key` is currently over the limit (a hit now would be denied), without recording.
  RateDecision peek(const std::string& key);
  // Forgets `key` (e.g. after a successful login, reset the per-account failures).
  void reset(const std::string& key);

  const std::string& scope() const { return scope_; }
  const RateLimit& limit() const { return limit_; }

  // "auth:rl:<scope>:<64 hex digits>": SHA-256 of the ASCII-lower-cased key.
  static std::string redis_key(std::string_view scope, std::string_view key);
  // Whole seconds until a wait of `micros` is over, rounded up and kept within [1, window]:
  // a denied client must never be told to retry immediately or later than one window.
  static std::chrono::seconds retry_after_from(std::int64_t micros, std::chrono::seconds window);

 private:
  RateDecision evaluate(const std::string& key, bool record);

  common::RedisClient& redis_;
  std::string scope_;
  RateLimit limit_;
  LocalRateWindow local_;
  std::atomic<bool> redis_down_{false};
};

}  // namespace auth
