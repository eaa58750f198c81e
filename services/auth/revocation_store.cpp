#include "auth/revocation_store.hpp"

#include "common/log.hpp"

namespace auth {

void RevocationStore::prepare(pqxx::connection& c) {
  c.prepare("revoked_insert",
            "INSERT INTO revoked_tokens (jti, user_id, token_type, expires_at) "
            "VALUES ($1, $2, $3, to_timestamp($4)) ON CONFLICT (jti) DO NOTHING");
  c.prepare("revoked_exists", "SELECT 1 FROM revoked_tokens WHERE jti = $1");
}

bool RevocationStore::revoke(const RevokedToken& token) {
  auto expires = std::chrono::duration_cast<std::chrono::seconds>(token.expires_at.time_since_epoch()).count();
  bool inserted = pool_.with_connection([&](pqxx::connection& c) {
    pqxx::work tx(c);
    auto result = tx.exec_prepared("revoked_insert", token.jti, token.user_id, token.token_type, expires);
    tx.commit();
    return result.affected_rows() == 1;
  });
  auto remaining = std::chrono::duration_cast<std::chrono::seconds>(
                       token.expires_at - std::chrono::system_clock::now()).count();
  if (remaining > 0) {
    try {
      redis_.command({"SET", redis_key(token.jti), "1", "EX", std::to_string(remaining)});
    } catch (const common::RedisError& e) {
      // PostgreSQL already holds the revocation; the cache fills again on the next write.
      common::log::warn("redis unavailable, revocation kept in PostgreSQL only", {{"error", e.what()}});
    }
  }
  return inserted;
}

bool RevocationStore::is_revoked(const std::string& jti) {
  try {
    if (redis_.command({"EXISTS", redis_key(jti)}).integer == 1) return true;
  } catch (const common::RedisError& e) {
    common::log::warn("redis unavailable, checking revocation in PostgreSQL", {{"error", e.what()}});
  }
  // A miss is not proof: Redis may have lost keys (restart without persistence, eviction).
  return pool_.with_connection([&](pqxx::connection& c) {
    pqxx::read_transaction tx(c);
    return !tx.exec_prepared("revoked_exists", jti).empty();
  });
}

}  // namespace auth
