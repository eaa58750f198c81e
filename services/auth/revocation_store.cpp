#include "auth/revocation_store.hpp"

#include "common/epoch.hpp"
#include "common/log.hpp"
#include "common/stoppable_sleep.hpp"

namespace auth {

using common::epoch_seconds;

void RevocationStore::prepare(pqxx::connection& c) {
  c.prepare("revoked_insert",
            "INSERT INTO revoked_tokens (jti, user_id, token_type, expires_at) "
            "VALUES ($1, $2, $3, to_timestamp($4)) ON CONFLICT (jti) DO NOTHING");
  c.prepare("revoked_access_check",
            "SELECT EXISTS (SELECT 1 FROM revoked_tokens WHERE jti = $1) "
            "OR EXISTS (SELECT 1 FROM token_families WHERE family = $2 AND revoked_at IS NOT NULL)");
  c.prepare("revoked_live_tokens",
            "SELECT jti, EXTRACT(EPOCH FROM expires_at)::bigint FROM revoked_tokens WHERE expires_at > now()");
}

bool RevocationStore::revoke_token(const RevokedToken& token) {
  bool inserted = pool_.with_connection([&](pqxx::connection& c) {
    pqxx::work tx(c);
    auto result = tx.exec_prepared("revoked_insert", token.jti, token.user_id, token.token_type,
                                   epoch_seconds(token.expires_at));
    tx.commit();
    return result.affected_rows() == 1;
  });
  publish({{common::Revocation::Kind::kToken, token.jti, epoch_seconds(token.expires_at)}});
  return inserted;
}

void RevocationStore::publish_families(const std::vector<FamilyRevocation>& families) {
  std::vector<common::Revocation> revocations;
  for (const auto& family : families) {
    revocations.push_back({common::Revocation::Kind::kFamily, family.family, epoch_seconds(family.expires_at)});
  }
  if (!revocations.empty()) publish(revocations);
}

void RevocationStore::publish(const std::vector<common::Revocation>& revocations) {
  try {
    common::publish_revocations(redis_, revocations);
  } catch (const common::RedisError& e) {
    // PostgreSQL holds the revocation; resync() copies it to Redis once Redis is back.
    redis_missed_write_ = true;
    common::log::warn("redis unavailable, revocation kept in PostgreSQL until resync", {{"error", e.what()}});
  }
}

bool RevocationStore::is_revoked(const std::string& jti, const std::string& family) {
  return pool_.with_connection([&](pqxx::connection& c) {
    pqxx::nontransaction tx(c);  // one statement: no BEGIN/COMMIT round trips
    return tx.exec_prepared1("revoked_access_check", jti, family)[0].as<bool>();
  });
}

void RevocationStore::resync() {
  bool missed = redis_missed_write_.exchange(false);
  try {
    if (!missed && redis_.command({"EXISTS", kSyncedMarker}).integer == 1) return;
    std::vector<common::Revocation> all;
    pool_.with_connection([&](pqxx::connection& c) {
      pqxx::read_transaction tx(c);
      for (const auto& row : tx.exec_prepared("revoked_live_tokens")) {
        all.push_back({common::Revocation::Kind::kToken, row[0].as<std::string>(), row[1].as<std::int64_t>()});
      }
    });
    for (const auto& family : families_.live_revocations()) {
      all.push_back({common::Revocation::Kind::kFamily, family.family, epoch_seconds(family.expires_at)});
    }
    common::store_revocations(redis_, all);
    redis_.command({"SET", kSyncedMarker, "1"});
    common::publish_reload(redis_);
    common::log::info("revocations copied from PostgreSQL to Redis", {{"count", all.size()}});
  } catch (const common::RedisError&) {
    redis_missed_write_ = true;
    throw;
  }
}

void RevocationStore::run_resync(std::stop_token stop, std::chrono::milliseconds interval) {
  bool outage = false;
  while (!stop.stop_requested()) {
    try {
      resync();
      if (outage) common::log::info("redis reachable again, revocations in sync");
      outage = false;
    } catch (const std::exception& e) {
      if (!outage) common::log::warn("cannot sync revocations to redis, retrying", {{"error", e.what()}});
      outage = true;
    }
    common::sleep_unless_stopped(stop, interval);
  }
}

}  // namespace auth
