#pragma once

#include "common/core/outage.hpp"

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

struct redisContext;

namespace common::redis {
struct ContextDeleter {
  void operator()(redisContext* context) const;  // redisFree
};
}  // namespace common::redis

namespace common {

// Redis could not be reached or answered with an error.
class RedisError : public Outage {
 public:
  explicit RedisError(const std::string& detail) : Outage("redis unavailable", detail) {}
};

struct RedisReply {
  enum class Kind { kNil, kInteger, kString, kStatus, kArray };
  Kind kind = Kind::kNil;
  std::int64_t integer = 0;
  std::string text;
  std::vector<RedisReply> elements;
};

struct RedisOptions {
  std::string host = "127.0.0.1";
  int port = 6379;
  int db = 0;
  std::string password;
  std::chrono::milliseconds timeout{500};

  // redis://[:password@]host[:port][/db]
  static RedisOptions from_url(std::string_view url);
};

// One hiredis connection guarded by a mutex. Commands are argument vectors (never formatted
// strings). After a failure it stays down for a short back-off so callers fail fast and fall
// back, instead of each waiting for a connect timeout.
class RedisClient final {
 public:
  explicit RedisClient(RedisOptions options);
  ~RedisClient();
  RedisClient(const RedisClient&) = delete;
  RedisClient& operator=(const RedisClient&) = delete;

  RedisReply command(const std::vector<std::string>& args);
  bool ping();

 private:
  void connect_locked();

  RedisOptions options_;
  std::mutex mutex_;
  std::unique_ptr<redisContext, redis::ContextDeleter> context_;
  std::chrono::steady_clock::time_point retry_after_{};
};

}  // namespace common
