#pragma once

#include "auth/tokens/refresh_family_store.hpp"
#include "common/access/revocation_channel.hpp"
#include "common/pg/pg_pool.hpp"
#include "common/redis/redis_client.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <stop_token>
#include <string>
#include <vector>

namespace auth {

struct RevokedToken {
  std::string jti;
  std::int64_t user_id = 0;
  std::string token_type;  // "access" | "refresh"
  std::chrono::system_clock::time_point expires_at;
};

// Revoked token ids and families. PostgreSQL is the durable record and decides every answer
// this service gives; every revocation also lands in its outbox (migration 006) in the same
// transaction. Redis carries a copy on the revocation channel (common/revocation_channel.hpp)
// from which gateways and the content service keep their in-memory sets:
//  - right after a revocation commits, the RPC announces it (the fast path, best effort);
//  - every auth replica runs publish_round() every 200 ms: one at a time (an advisory lock),
//    it copies everything again when Redis lost its copy, publishes what the outbox holds
//    unpublished, and then sends a heartbeat that vouches for the set. A crash between commit
//    and announcement, or a Redis outage, only delays a revocation until the next round that
//    reaches Redis; meanwhile listeners without heartbeats ask check_revoked() instead.
class RevocationStore final {
 public:
  RevocationStore(common::PgPool& pool, common::RedisClient& redis) : pool_(pool), redis_(redis) {}

  static void prepare(pqxx::connection& connection);

  // True when this call revoked the token, false when it was already revoked.
  bool revoke_token(const RevokedToken& token);
  // Announces families that RefreshFamilyStore has already revoked in PostgreSQL.
  void publish_families(const std::vector<FamilyRevocation>& families);
  // An access token is revoked by its own id or by its family's.
  bool is_revoked(const std::string& jti, const std::string& family);

  struct Round {
    bool ran = false;           // false: another replica holds the publisher lock
    bool copied_all = false;    // Redis had lost its copy (or part of it): everything was copied
    std::size_t published = 0;  // outbox rows published
    bool heartbeat = false;
  };
  // One publisher round (see the class comment). Throws common::RedisError or a pqxx error
  // when Redis or PostgreSQL fails; what was not marked published is published next round.
  Round publish_round();
  // Runs publish_round() every `interval` until `stop`, logging an outage once, not every time.
  void run_publisher(std::stop_token stop, std::chrono::milliseconds interval = std::chrono::milliseconds(200));

  // Outbox rows per round; more wait for the next round (and withhold its heartbeat).
  static constexpr std::size_t kBatch = 1000;
  // A heartbeat vouches for a snapshot at most this old, or it is not sent.
  static constexpr std::chrono::milliseconds kMaxRoundForHeartbeat{100};

 private:
  void announce(const std::vector<common::Revocation>& revocations);
  void copy_all(pqxx::work& tx, std::int64_t synced_seq);

  common::PgPool& pool_;
  common::RedisClient& redis_;
};

}  // namespace auth
