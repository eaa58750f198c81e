#include "auth/tokens/refresh_family_store.hpp"

#include "auth/tokens/successor_seal.hpp"
#include "common/core/epoch.hpp"
#include "common/pg/statement.hpp"
#include "common/pg/transactions.hpp"

namespace auth {
namespace {

using common::epoch_seconds;
using common::from_epoch_seconds;

const char* reason_name(RevocationReason reason) {
  switch (reason) {
    case RevocationReason::kLogout: return "logout";
    case RevocationReason::kReuse: return "reuse";
    case RevocationReason::kDeactivated: return "deactivated";
    case RevocationReason::kPasswordChange: return "password_change";
    case RevocationReason::kPasswordReset: return "password_reset";
    case RevocationReason::kAccountDeleted: return "account_deleted";
    case RevocationReason::kSessionEnded: return "session_ended";
    case RevocationReason::kAdmin: return "admin";
  }
  return "logout";
}

// Tokens issued before families existed, or by a simplejwt deployment (HS256 migration mode),
// carry no family id: each becomes the root of its own family on first sight.
std::string family_of(const common::jwt::Claims& claims) {
  return claims.family.empty() ? "legacy-" + claims.jti : claims.family;
}

std::string encode_pair(const IssuedPair& pair) {
  auto token = [](const IssuedToken& t) {
    return nlohmann::json{{"token", t.token}, {"jti", t.jti}, {"exp", epoch_seconds(t.expires_at)}};
  };
  return nlohmann::json{{"access", token(pair.access)}, {"refresh", token(pair.refresh)}, {"family", pair.family}}
      .dump();
}

std::optional<IssuedPair> decode_pair(const std::string& text) {
  auto json = nlohmann::json::parse(text, nullptr, false);
  if (!json.is_object()) return std::nullopt;
  auto token = [](const nlohmann::json& t) {
    return IssuedToken{t.at("token").get<std::string>(), t.at("jti").get<std::string>(),
                       from_epoch_seconds(t.at("exp").get<std::int64_t>())};
  };
  try {
    return IssuedPair{token(json.at("access")), token(json.at("refresh")), json.at("family").get<std::string>()};
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;
  }
}

const common::Statement kFamilyInsert{"family_insert",
                                      "INSERT INTO token_families (family, user_id, expires_at, user_agent, client_ip) "
                                      "VALUES ($1, $2, to_timestamp($3), $4, $5) ON CONFLICT (family) DO NOTHING"};
const common::Statement kRefreshInsert{
    "refresh_insert",
    "INSERT INTO refresh_tokens (jti, family, expires_at) VALUES ($1, $2, to_timestamp($3)) "
    "ON CONFLICT (jti) DO NOTHING"};
// Locks the token and its family: concurrent rotations and logouts of one family queue here.
// clock_timestamp(), not now(): the wait for the lock must count towards the grace window.
const common::Statement kRefreshLock{
    "refresh_lock",
    "SELECT r.family, r.used_at IS NOT NULL AS used, "
    "EXTRACT(EPOCH FROM clock_timestamp() - r.used_at)::float8 AS used_seconds_ago, r.successor, "
    "f.revoked_at IS NOT NULL AS family_revoked "
    "FROM refresh_tokens r JOIN token_families f ON f.family = r.family "
    "WHERE r.jti = $1 FOR UPDATE OF r, f"};
// One rotation's writes in one statement (one round trip, not three; issue 15): the presented
// token used up, its successor stored, the family extended and marked used by this client.
const common::Statement kRefreshRotate{
    "refresh_rotate",
    "WITH used AS (UPDATE refresh_tokens SET used_at = clock_timestamp(), successor = $2 WHERE jti = $1), "
    "successor AS (INSERT INTO refresh_tokens (jti, family, expires_at) VALUES ($3, $4, to_timestamp($5)) "
    "ON CONFLICT (jti) DO NOTHING) "
    "UPDATE token_families SET expires_at = GREATEST(expires_at, to_timestamp($5)), last_used_at = now(), "
    "user_agent = $6, client_ip = $7 WHERE family = $4"};
constexpr const char* kRevocationColumns = "family, user_id, EXTRACT(EPOCH FROM expires_at)::bigint AS expires_at";
const common::Statement kFamilyRevoke{"family_revoke",
                                      std::string("UPDATE token_families SET revoked_at = now(), revoked_reason = $2 "
                                                  "WHERE family = $1 AND revoked_at IS NULL RETURNING ") +
                                          kRevocationColumns};
const common::Statement kFamilyRevokeUser{
    "family_revoke_user", std::string("UPDATE token_families SET revoked_at = now(), revoked_reason = $2 "
                                      "WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > now() RETURNING ") +
                              kRevocationColumns};
const common::Statement kFamilyRevokeOthers{
    "family_revoke_others",
    std::string("UPDATE token_families SET revoked_at = now(), revoked_reason = $3 "
                "WHERE user_id = $1 AND family <> $2 AND revoked_at IS NULL AND expires_at > now() RETURNING ") +
        kRevocationColumns};
const common::Statement kFamilyRevokeOne{
    "family_revoke_one",
    std::string("UPDATE token_families SET revoked_at = now(), revoked_reason = $3 "
                "WHERE user_id = $1 AND family = $2 AND revoked_at IS NULL AND expires_at > now() RETURNING ") +
        kRevocationColumns};
const common::Statement kLiveSessions{
    "family_live_sessions",
    "SELECT family, EXTRACT(EPOCH FROM created_at)::float8 AS created_at, "
    "EXTRACT(EPOCH FROM last_used_at)::float8 AS last_used_at, EXTRACT(EPOCH FROM expires_at)::float8 AS expires_at, "
    "user_agent, client_ip FROM token_families WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > now() "
    "ORDER BY last_used_at DESC, family"};
const common::Statement kRefreshUsable{"refresh_usable",
                                       "SELECT r.used_at IS NULL AND f.revoked_at IS NULL AS usable "
                                       "FROM refresh_tokens r JOIN token_families f ON f.family = r.family "
                                       "WHERE r.jti = $1"};
const common::Statement kFamilyIsRevoked{"family_is_revoked",
                                         "SELECT 1 FROM token_families WHERE family = $1 AND revoked_at IS NOT NULL"};
const common::Statement kFamilyLiveRevocations{
    "family_live_revocations", std::string("SELECT ") + kRevocationColumns +
                                   " FROM token_families WHERE revoked_at IS NOT NULL AND expires_at > now()"};

void insert_family(pqxx::work& tx, const std::string& family, std::int64_t user_id, const IssuedToken& refresh,
                   const SessionClient& client) {
  common::exec(tx, kFamilyInsert, family, user_id, epoch_seconds(refresh.expires_at), client.user_agent,
               client.client_ip);
  common::exec(tx, kRefreshInsert, refresh.jti, family, epoch_seconds(refresh.expires_at));
}

FamilyRevocation to_revocation(const pqxx::row& row) {
  return {row["family"].as<std::string>(), row["user_id"].as<std::int64_t>(),
          from_epoch_seconds(row["expires_at"].as<std::int64_t>())};
}

std::vector<FamilyRevocation> to_revocations(const pqxx::result& result) {
  std::vector<FamilyRevocation> out;
  out.reserve(result.size());
  for (const auto& row : result) out.push_back(to_revocation(row));
  return out;
}

// The presented token's row, locked; created first for a token that has none (see family_of).
pqxx::row lock_presented(pqxx::work& tx, const common::jwt::Claims& presented) {
  auto rows = common::exec(tx, kRefreshLock, presented.jti);
  if (!rows.empty()) return rows[0];
  IssuedToken token{"", presented.jti, presented.expires_at};
  insert_family(tx, family_of(presented), presented.user_id, token, {});
  return common::exec1(tx, kRefreshLock, presented.jti);
}

}  // namespace

void RefreshFamilyStore::prepare(pqxx::connection& c) {
  for (const auto* statement : {&kFamilyInsert, &kRefreshInsert, &kRefreshLock, &kRefreshRotate, &kFamilyRevoke,
                                &kFamilyRevokeUser, &kFamilyRevokeOthers, &kFamilyRevokeOne, &kLiveSessions,
                                &kRefreshUsable, &kFamilyIsRevoked, &kFamilyLiveRevocations}) {
    statement->prepare(c);
  }
}

void RefreshFamilyStore::start(std::int64_t user_id, const IssuedPair& pair, const SessionClient& client) {
  common::write(pool_, [&](pqxx::work& tx) { start(tx, user_id, pair, client); });
}

void RefreshFamilyStore::start(pqxx::work& tx, std::int64_t user_id, const IssuedPair& pair,
                               const SessionClient& client) {
  insert_family(tx, pair.family, user_id, pair.refresh, client);
}

Rotation RefreshFamilyStore::rotate(const common::jwt::Claims& presented, const std::string& token,
                                    const SessionClient& client,
                                    const std::function<IssuedPair(const std::string&)>& issue) {
  return common::write(pool_, [&](pqxx::work& tx) {
    auto row = lock_presented(tx, presented);
    std::string family = row["family"].as<std::string>();
    if (row["family_revoked"].as<bool>()) return Rotation{RotationOutcome::kFamilyRevoked, {}, std::nullopt};

    if (!row["used"].as<bool>()) {
      IssuedPair pair = issue(family);
      pqxx::binarystring sealed(seal_successor(token, encode_pair(pair)));
      common::exec(tx, kRefreshRotate, presented.jti, sealed, pair.refresh.jti, family,
                   epoch_seconds(pair.refresh.expires_at), client.user_agent, client.client_ip);
      return Rotation{RotationOutcome::kRotated, std::move(pair), std::nullopt};
    }

    double used_seconds_ago = row["used_seconds_ago"].as<double>();
    if (used_seconds_ago <= static_cast<double>(reuse_grace_.count()) && !row["successor"].is_null()) {
      pqxx::binarystring sealed(row["successor"]);
      if (auto plain = open_successor(token, sealed.str())) {
        if (auto pair = decode_pair(*plain))
          return Rotation{RotationOutcome::kReplayed, std::move(*pair), std::nullopt};
      }
    }
    // Reuse of a rotated token: someone holds a copy. Revoke every token of the family.
    auto revoked = common::exec1(tx, kFamilyRevoke, family, reason_name(RevocationReason::kReuse));
    return Rotation{RotationOutcome::kReuseDetected, {}, to_revocation(revoked)};
  });
}

std::optional<FamilyRevocation> RefreshFamilyStore::revoke(const common::jwt::Claims& presented,
                                                           RevocationReason reason) {
  return common::write(pool_, [&](pqxx::work& tx) -> std::optional<FamilyRevocation> {
    auto row = lock_presented(tx, presented);
    auto revoked = common::exec(tx, kFamilyRevoke, row["family"].as<std::string>(), reason_name(reason));
    if (revoked.empty()) return std::nullopt;
    return to_revocation(revoked[0]);
  });
}

std::vector<FamilyRevocation> RefreshFamilyStore::revoke_all(std::int64_t user_id, RevocationReason reason) {
  return common::write(pool_, [&](pqxx::work& tx) { return revoke_all(tx, user_id, reason); });
}

std::vector<FamilyRevocation> RefreshFamilyStore::revoke_all(pqxx::work& tx, std::int64_t user_id,
                                                             RevocationReason reason) {
  return to_revocations(common::exec(tx, kFamilyRevokeUser, user_id, reason_name(reason)));
}

std::vector<FamilyRevocation> RefreshFamilyStore::revoke_others(pqxx::work& tx, std::int64_t user_id,
                                                                const std::string& keep, RevocationReason reason) {
  return to_revocations(common::exec(tx, kFamilyRevokeOthers, user_id, keep, reason_name(reason)));
}

std::vector<SessionRecord> RefreshFamilyStore::live_sessions(std::int64_t user_id) {
  return common::read(pool_, [&](pqxx::nontransaction& tx) {
    auto time = [](const pqxx::field& field) { return common::from_epoch_float(field.as<double>()); };
    std::vector<SessionRecord> sessions;
    for (const auto& row : common::exec(tx, kLiveSessions, user_id)) {
      sessions.push_back({row["family"].as<std::string>(),
                          time(row["created_at"]),
                          time(row["last_used_at"]),
                          time(row["expires_at"]),
                          {row["user_agent"].as<std::string>(), row["client_ip"].as<std::string>()}});
    }
    return sessions;
  });
}

std::optional<FamilyRevocation> RefreshFamilyStore::end_session(std::int64_t user_id, const std::string& family) {
  return common::write(pool_, [&](pqxx::work& tx) -> std::optional<FamilyRevocation> {
    auto revoked = common::exec(tx, kFamilyRevokeOne, user_id, family, reason_name(RevocationReason::kSessionEnded));
    if (revoked.empty()) return std::nullopt;
    return to_revocation(revoked[0]);
  });
}

std::vector<FamilyRevocation> RefreshFamilyStore::end_other_sessions(std::int64_t user_id, const std::string& keep) {
  return common::write(
      pool_, [&](pqxx::work& tx) { return revoke_others(tx, user_id, keep, RevocationReason::kSessionEnded); });
}

bool RefreshFamilyStore::is_usable(const common::jwt::Claims& refresh) {
  return common::read_snapshot(pool_, [&](common::ReadSnapshot& tx) {
    auto result = common::exec(tx, kRefreshUsable, refresh.jti);
    // No row: a token from before families existed; its first rotation records it.
    if (result.empty()) return refresh.family.empty() || common::exec(tx, kFamilyIsRevoked, refresh.family).empty();
    return result[0]["usable"].as<bool>();
  });
}

std::vector<FamilyRevocation> RefreshFamilyStore::live_revocations() {
  return common::read(
      pool_, [&](pqxx::nontransaction& tx) { return to_revocations(common::exec(tx, kFamilyLiveRevocations)); });
}

}  // namespace auth
