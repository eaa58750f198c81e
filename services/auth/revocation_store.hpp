#pragma once

#include "common/pg_pool.hpp"
#include "common/redis_client.hpp"

#include <chrono>
#include <cstdint>
#include <string>

namespace auth {

struct RevokedToken {
  std::string jti;
  std::int64_t user_id = 0;
  std::string token_type;  // "access" | "refresh"
  std::chrono::system_clock::time_point expires_at;
};

// Revoked token ids. PostgreSQL is the durable record and decides races (the first revoke of
// a jti wins); Redis holds a copy with a TTL of the token's remaining life for fast positive
// answers. Without Redis everything still works from PostgreSQL.
class RevocationStore final {
 public:
  RevocationStore(common::PgPool& pool, common::RedisClient& redis) : pool_(pool), redis_(redis) {}

  static void prepare(pqxx::connection& connection);

  // True when this call revoked the token, false when it was already revoked.
  bool revoke(const RevokedToken& token);
  bool is_revoked(const std::string& jti);

  static std::string redis_key(const std::string& jti) { return "auth:revoked:" + jti; }

 private:
  common::PgPool& pool_;
  common::RedisClient& redis_;
};

}  // namespace auth
