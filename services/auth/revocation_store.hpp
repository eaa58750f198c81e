#pragma once

#include "auth/refresh_family_store.hpp"
#include "common/pg_pool.hpp"
#include "common/redis_client.hpp"
#include "common/revocation_channel.hpp"

#include <atomic>
#include <chrono>
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
// this service gives; Redis carries a copy on the revocation channel (DESIGN.md) from which
// gateways and the content service keep their in-memory sets. A Redis write that fails, or a
// Redis that restarted empty, is repaired by resync() from PostgreSQL.
class RevocationStore final {
 public:
  RevocationStore(common::PgPool& pool, common::RedisClient& redis, RefreshFamilyStore& families)
      : pool_(pool), redis_(redis), families_(families) {}

  static void prepare(pqxx::connection& connection);

  // True when this call revoked the token, false when it was already revoked.
  bool revoke_token(const RevokedToken& token);
  // Announces families that RefreshFamilyStore has already revoked in PostgreSQL.
  void publish_families(const std::vector<FamilyRevocation>& families);
  // An access token is revoked by its own id or by its family's.
  bool is_revoked(const std::string& jti, const std::string& family);

  // Copies every live revocation from PostgreSQL to Redis when Redis lost its copy (restart
  // without persistence, flush) or missed a write; then tells listeners to reload. Cheap when
  // nothing is missing: one EXISTS. Throws common::RedisError when Redis is still down.
  void resync();
  // Calls resync() every `interval` until `stop`, logging an outage once, not every time.
  void run_resync(std::stop_token stop, std::chrono::milliseconds interval = std::chrono::seconds(1));

  static constexpr const char* kSyncedMarker = "auth:revocations:synced";

 private:
  void publish(const std::vector<common::Revocation>& revocations);

  common::PgPool& pool_;
  common::RedisClient& redis_;
  RefreshFamilyStore& families_;
  std::atomic<bool> redis_missed_write_{false};
};

}  // namespace auth
