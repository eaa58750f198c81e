#include "auth/throttle/rate_limiter.hpp"

#include "common/core/log.hpp"
#include "common/core/text.hpp"

#include <openssl/evp.h>

#include <stdexcept>
#include <string_view>
#include <utility>
#include <vector>

namespace auth {
namespace {

// KEYS[1]: the attempt log, a sorted set of unique attempt ids scored by time in microseconds.
// ARGV: max_attempts, window in microseconds, "1" to record an admitted attempt ("0" = peek),
// a unique attempt id. Returns {1, 0} when allowed, {0, microseconds to wait} when denied.
// The clock is Redis's own (TIME), so instances with skewed clocks share one timeline; Redis 7
// replicates a script's effects, which makes TIME usable before writes. Numbers are handed to
// redis.call as numbers (converted exactly), never concatenated into strings (Lua 5.1 would
// print 16-digit timestamps with only 14 significant digits).
constexpr std::string_view kScript = R"lua(
local key = KEYS[1]
local max_attempts = tonumber(ARGV[1])
local window_us = tonumber(ARGV[2])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window_us)
local count = redis.call('ZCARD', key)
if count < max_attempts then
  if ARGV[3] == '1' then
    redis.call('ZADD', key, now, ARGV[4])
    redis.call('PEXPIRE', key, math.ceil(window_us / 1000))
  end
  return {1, 0}
end
-- The next attempt fits once the oldest (count - max_attempts + 1) attempts have left; the
-- count can exceed the limit only if the limit was lowered since they were recorded.
local entry = redis.call('ZRANGE', key, count - max_attempts, count - max_attempts, 'WITHSCORES')
return {0, tonumber(entry[2]) + window_us - now}
)lua";

std::string hex_digest(std::string_view data, const EVP_MD* md) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(data.data(), data.size(), digest, &length, md, nullptr) != 1) {
    throw std::runtime_error("digest failed");
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(length * 2);
  for (unsigned int i = 0; i < length; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 15];
  }
  return out;
}

// Redis names a cached script by the SHA-1 of its body; computing it here saves a SCRIPT LOAD.
const std::string& script_sha() {
  static const std::string sha = hex_digest(kScript, EVP_sha1());
  return sha;
}

std::string ascii_lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

}  // namespace

RateLimiter::RateLimiter(common::RedisClient& redis, std::string scope, RateLimit limit)
    : redis_(redis), scope_(std::move(scope)), limit_(limit) {
  if (limit_.max_attempts < 1) throw std::invalid_argument("rate limit: max_attempts must be at least 1");
  if (limit_.window < std::chrono::seconds(1)) throw std::invalid_argument("rate limit: window must be at least 1 s");
  if (scope_.empty()) throw std::invalid_argument("rate limit: scope must not be empty");
}

std::string RateLimiter::redis_key(std::string_view scope, std::string_view key) {
  return "auth:rl:" + std::string(scope) + ":" + hex_digest(ascii_lower(key), EVP_sha256());
}

std::chrono::seconds RateLimiter::retry_after_from(std::int64_t micros, std::chrono::seconds window) {
  constexpr std::int64_t kMicrosPerSecond = 1'000'000;
  std::int64_t seconds = micros <= 0 ? 0 : (micros + kMicrosPerSecond - 1) / kMicrosPerSecond;
  if (seconds < 1) seconds = 1;
  if (seconds > window.count()) seconds = window.count();
  return std::chrono::seconds(seconds);
}

RateDecision RateLimiter::hit(const std::string& key) { return evaluate(key, true); }

RateDecision RateLimiter::peek(const std::string& key) { return evaluate(key, false); }

RateDecision RateLimiter::evaluate(const std::string& key, bool record) {
  try {
    std::string window_us = std::to_string(std::chrono::microseconds(limit_.window).count());
    // Unique per attempt: two attempts in the same microsecond must both count.
    std::string attempt_id = record ? common::random_hex(8) : std::string();
    std::vector<std::string> args{
        "EVALSHA", script_sha(),       "1",       redis_key(scope_, key), std::to_string(limit_.max_attempts),
        window_us, record ? "1" : "0", attempt_id};
    common::RedisReply reply;
    try {
      reply = redis_.command(args);
    } catch (const common::RedisError& e) {
      // The script cache is empty after a Redis restart or SCRIPT FLUSH: send the body once.
      if (std::string_view(e.what()).find("NOSCRIPT") == std::string_view::npos) throw;
      args[0] = "EVAL";
      args[1] = std::string(kScript);
      reply = redis_.command(args);
    }
    if (reply.kind != common::RedisReply::Kind::kArray || reply.elements.size() != 2 ||
        reply.elements[0].kind != common::RedisReply::Kind::kInteger ||
        reply.elements[1].kind != common::RedisReply::Kind::kInteger) {
      throw common::RedisError("unexpected rate limit script reply");
    }
    if (redis_down_.exchange(false)) common::log::info("rate limiter reaches redis again", {{"scope", scope_}});
    if (reply.elements[0].integer == 1) return {true, std::chrono::seconds(0)};
    return {false, retry_after_from(reply.elements[1].integer, limit_.window)};
  } catch (const std::exception& e) {
    // Redis is out: this process counts on its own (see the header). The raw key is not
    // logged, it may be an email address; the outage is logged once, not per attempt.
    if (!redis_down_.exchange(true)) {
      common::log::warn("rate limiter cannot reach redis, counting in this process until it is back",
                        {{"scope", scope_}, {"error", e.what()}});
    }
    auto local = local_.evaluate(redis_key(scope_, key), limit_.max_attempts, limit_.window, record);
    if (local.allowed) return {true, std::chrono::seconds(0)};
    return {false, retry_after_from(local.retry_after.count(), limit_.window)};
  }
}

void RateLimiter::reset(const std::string& key) {
  local_.reset(redis_key(scope_, key));
  try {
    redis_.command({"DEL", redis_key(scope_, key)});
  } catch (const std::exception& e) {
    // The attempts then simply age out of the window.
    common::log::warn("rate limiter unavailable, attempts not reset",
                      {{"scope", scope_}, {"op", "reset"}, {"error", e.what()}});
  }
}

}  // namespace auth
