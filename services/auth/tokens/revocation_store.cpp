#include "auth/tokens/revocation_store.hpp"

#include "common/core/epoch.hpp"
#include "common/core/log.hpp"
#include "common/core/stoppable_sleep.hpp"
#include "common/pg/statement.hpp"
#include "common/pg/transactions.hpp"

#include <string>

namespace auth {

using common::epoch_seconds;

namespace {

// pg_advisory_xact_lock key of the publisher: one round at a time across replicas, so a
// heartbeat follows every row committed before its round's snapshot (no row is skipped
// because another replica had it locked).
constexpr std::int64_t kPublisherLock = 0x7265766f6b65;  // "revoke"

common::Revocation to_revocation(std::string member, std::int64_t expires) {
  bool family = member.starts_with("fam:");
  return {family ? common::Revocation::Kind::kFamily : common::Revocation::Kind::kToken, member.substr(4), expires};
}

const common::Statement kRevokedInsert{"revoked_insert",
                                       "INSERT INTO revoked_tokens (jti, user_id, token_type, expires_at) "
                                       "VALUES ($1, $2, $3, to_timestamp($4)) ON CONFLICT (jti) DO NOTHING"};
const common::Statement kAccessCheck{
    "revoked_access_check",
    "SELECT EXISTS (SELECT 1 FROM revoked_tokens WHERE jti = $1) "
    "OR EXISTS (SELECT 1 FROM token_families WHERE family = $2 AND revoked_at IS NOT NULL) AS revoked"};
const common::Statement kPublisherLockTry{"revocation_publisher_lock",
                                          "SELECT pg_try_advisory_xact_lock($1) AS locked"};
const common::Statement kPublishedSeq{
    "revocation_outbox_published_seq",
    "SELECT COALESCE(max(seq), 0) AS seq FROM revocation_outbox WHERE published_at IS NOT NULL"};
const common::Statement kPending{"revocation_outbox_pending",
                                 "SELECT seq, member, EXTRACT(EPOCH FROM expires_at)::bigint AS expires_at "
                                 "FROM revocation_outbox WHERE published_at IS NULL ORDER BY seq LIMIT $1"};
// By the rows' own ids: a row with a lower seq that committed after the SELECT above was not
// published and must stay pending.
const common::Statement kMarkPublished{
    "revocation_outbox_mark", "UPDATE revocation_outbox SET published_at = now() WHERE seq = ANY($1::bigint[])"};
const common::Statement kLive{
    "revocations_live",
    "SELECT 'jti:' || jti AS member, EXTRACT(EPOCH FROM expires_at)::bigint AS expires_at FROM revoked_tokens "
    "WHERE expires_at > now() "
    "UNION ALL "
    "SELECT 'fam:' || family, EXTRACT(EPOCH FROM expires_at)::bigint FROM token_families "
    "WHERE revoked_at IS NOT NULL AND expires_at > now()"};

common::Revocation to_revocation(const pqxx::row& row) {
  return to_revocation(row["member"].as<std::string>(), row["expires_at"].as<std::int64_t>());
}

}  // namespace

void RevocationStore::prepare(pqxx::connection& c) {
  for (const auto* statement :
       {&kRevokedInsert, &kAccessCheck, &kPublisherLockTry, &kPublishedSeq, &kPending, &kMarkPublished, &kLive}) {
    statement->prepare(c);
  }
}

bool RevocationStore::revoke_token(const RevokedToken& token) {
  bool inserted = common::write(pool_, [&](pqxx::work& tx) {
    return common::exec(tx, kRevokedInsert, token.jti, token.user_id, token.token_type, epoch_seconds(token.expires_at))
               .affected_rows() == 1;
  });
  announce({{common::Revocation::Kind::kToken, token.jti, epoch_seconds(token.expires_at)}});
  return inserted;
}

void RevocationStore::publish_families(const std::vector<FamilyRevocation>& families) {
  std::vector<common::Revocation> revocations;
  for (const auto& family : families) {
    revocations.push_back({common::Revocation::Kind::kFamily, family.family, epoch_seconds(family.expires_at)});
  }
  if (!revocations.empty()) announce(revocations);
}

void RevocationStore::announce(const std::vector<common::Revocation>& revocations) {
  try {
    common::publish_revocations(redis_, revocations);
  } catch (const common::RedisError& e) {
    // The outbox holds it; the next publisher round that reaches Redis publishes it.
    common::log::warn("redis unavailable, revocation left to the publisher", {{"error", e.what()}});
  }
}

bool RevocationStore::is_revoked(const std::string& jti, const std::string& family) {
  return common::read(pool_, [&](pqxx::nontransaction& tx) {
    return common::exec1(tx, kAccessCheck, jti, family)["revoked"].as<bool>();
  });
}

void RevocationStore::copy_all(pqxx::work& tx, std::int64_t synced_seq) {
  std::vector<common::Revocation> all;
  for (const auto& row : common::exec(tx, kLive)) all.push_back(to_revocation(row));
  common::store_all_revocations(redis_, all, synced_seq);
  common::log::info("revocations copied from PostgreSQL to Redis", {{"count", all.size()}});
}

RevocationStore::Round RevocationStore::publish_round() {
  return common::write(pool_, [&](pqxx::work& tx) {
    Round round;
    // A publisher frozen mid-round (SIGSTOP, a stalled VM) must not keep the lock, and with it
    // every replica's heartbeats: PostgreSQL ends its session after a second of silence.
    tx.exec("SET LOCAL idle_in_transaction_session_timeout = 1000");
    if (!common::exec1(tx, kPublisherLockTry, kPublisherLock)["locked"].as<bool>()) return round;
    round.ran = true;
    auto started = std::chrono::steady_clock::now();  // before the snapshot of the pending rows

    // A Redis that restarted empty has no marker; one that replayed a truncated append-only
    // file has an older one (the marker is written with the data it covers).
    auto published_seq = common::exec1(tx, kPublishedSeq)["seq"].as<std::int64_t>();
    auto synced = common::revocations_synced_seq(redis_);
    if (!synced || *synced < published_seq) {
      copy_all(tx, published_seq);
      round.copied_all = true;
    }

    auto pending = common::exec(tx, kPending, kBatch);
    if (!pending.empty()) {
      std::vector<common::Revocation> revocations;
      std::string seqs = "{";
      std::int64_t highest = 0;
      for (const auto& row : pending) {
        auto seq = row["seq"].as<std::int64_t>();
        highest = std::max(highest, seq);
        if (seqs.size() > 1) seqs += ',';
        seqs += std::to_string(seq);
        revocations.push_back(to_revocation(row));
      }
      seqs += '}';
      common::publish_revocations(redis_, revocations, highest);
      common::exec(tx, kMarkPublished, seqs);
      round.published = pending.size();
    }
    // Only when nothing is left behind and the snapshot is fresh: listeners trust a heartbeat
    // for up to common::RevocationListener::kDefaultTrustWindow after it arrives.
    if (pending.size() < kBatch && std::chrono::steady_clock::now() - started < kMaxRoundForHeartbeat) {
      round.heartbeat = common::publish_heartbeat(redis_);
    }
    return round;
  });
}

void RevocationStore::run_publisher(std::stop_token stop, std::chrono::milliseconds interval) {
  bool outage = false;
  while (!stop.stop_requested()) {
    try {
      auto round = publish_round();
      if (outage) common::log::info("revocation publisher reaches redis and postgresql again");
      if (round.published > 0) common::log::info("revocations published from the outbox", {{"count", round.published}});
      outage = false;
    } catch (const std::exception& e) {
      if (!outage) common::log::warn("revocation publisher failing, retrying", {{"error", e.what()}});
      outage = true;
    }
    common::sleep_unless_stopped(stop, interval);
  }
}

}  // namespace auth
