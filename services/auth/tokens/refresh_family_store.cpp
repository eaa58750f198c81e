#include "auth/tokens/refresh_family_store.hpp"

#include "auth/tokens/successor_seal.hpp"
#include "common/core/epoch.hpp"

namespace auth {
namespace {

using common::epoch_seconds;
using common::from_epoch_seconds;

const char* reason_name(RevocationReason reason) {
  switch (reason) {
    case RevocationReason::kLogout: return "logout";
    case RevocationReason::kReuse: return "reuse";
    case RevocationReason::kDeactivated: return "deactivated";
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

void insert_family(pqxx::work& tx, const std::string& family, std::int64_t user_id,
                   const IssuedToken& refresh) {
  tx.exec_prepared("family_insert", family, user_id, epoch_seconds(refresh.expires_at));
  tx.exec_prepared("refresh_insert", refresh.jti, family, epoch_seconds(refresh.expires_at));
}

}  // namespace

void RefreshFamilyStore::prepare(pqxx::connection& c) {
  c.prepare("family_insert",
            "INSERT INTO token_families (family, user_id, expires_at) VALUES ($1, $2, to_timestamp($3)) "
            "ON CONFLICT (family) DO NOTHING");
  c.prepare("refresh_insert",
            "INSERT INTO refresh_tokens (jti, family, expires_at) VALUES ($1, $2, to_timestamp($3)) "
            "ON CONFLICT (jti) DO NOTHING");
  // Locks the token and its family: concurrent rotations and logouts of one family queue here.
  // clock_timestamp(), not now(): the wait for the lock must count towards the grace window.
  c.prepare("refresh_lock",
            "SELECT r.family, r.used_at IS NOT NULL, "
            "EXTRACT(EPOCH FROM clock_timestamp() - r.used_at)::float8, r.successor, "
            "f.revoked_at IS NOT NULL "
            "FROM refresh_tokens r JOIN token_families f ON f.family = r.family "
            "WHERE r.jti = $1 FOR UPDATE OF r, f");
  c.prepare("refresh_mark_used",
            "UPDATE refresh_tokens SET used_at = clock_timestamp(), successor = $2 WHERE jti = $1");
  c.prepare("family_extend",
            "UPDATE token_families SET expires_at = GREATEST(expires_at, to_timestamp($2)) WHERE family = $1");
  c.prepare("family_revoke",
            "UPDATE token_families SET revoked_at = now(), revoked_reason = $2 "
            "WHERE family = $1 AND revoked_at IS NULL "
            "RETURNING family, user_id, EXTRACT(EPOCH FROM expires_at)::bigint");
  c.prepare("family_revoke_user",
            "UPDATE token_families SET revoked_at = now(), revoked_reason = $2 "
            "WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > now() "
            "RETURNING family, user_id, EXTRACT(EPOCH FROM expires_at)::bigint");
  c.prepare("refresh_usable",
            "SELECT r.used_at IS NULL AND f.revoked_at IS NULL "
            "FROM refresh_tokens r JOIN token_families f ON f.family = r.family WHERE r.jti = $1");
  c.prepare("family_is_revoked",
            "SELECT 1 FROM token_families WHERE family = $1 AND revoked_at IS NOT NULL");
  c.prepare("family_live_revocations",
            "SELECT family, user_id, EXTRACT(EPOCH FROM expires_at)::bigint FROM token_families "
            "WHERE revoked_at IS NOT NULL AND expires_at > now()");
}

namespace {

FamilyRevocation to_revocation(const pqxx::row& row) {
  return {row[0].as<std::string>(), row[1].as<std::int64_t>(), from_epoch_seconds(row[2].as<std::int64_t>())};
}

std::vector<FamilyRevocation> to_revocations(const pqxx::result& result) {
  std::vector<FamilyRevocation> out;
  out.reserve(result.size());
  for (const auto& row : result) out.push_back(to_revocation(row));
  return out;
}

// The presented token's row, locked; created first for a token that has none (see family_of).
pqxx::row lock_presented(pqxx::work& tx, const common::jwt::Claims& presented) {
  auto rows = tx.exec_prepared("refresh_lock", presented.jti);
  if (!rows.empty()) return rows[0];
  IssuedToken token{"", presented.jti, presented.expires_at};
  insert_family(tx, family_of(presented), presented.user_id, token);
  return tx.exec_prepared1("refresh_lock", presented.jti);
}

}  // namespace

void RefreshFamilyStore::start(std::int64_t user_id, const IssuedPair& pair) {
  pool_.with_connection([&](pqxx::connection& c) {
    pqxx::work tx(c);
    start(tx, user_id, pair);
    tx.commit();
  });
}

void RefreshFamilyStore::start(pqxx::work& tx, std::int64_t user_id, const IssuedPair& pair) {
  insert_family(tx, pair.family, user_id, pair.refresh);
}

Rotation RefreshFamilyStore::rotate(const common::jwt::Claims& presented, const std::string& token,
                                    const std::function<IssuedPair(const std::string&)>& issue) {
  return pool_.with_connection([&](pqxx::connection& c) {
    pqxx::work tx(c);
    auto row = lock_presented(tx, presented);
    std::string family = row[0].as<std::string>();
    bool used = row[1].as<bool>();
    bool family_revoked = row[4].as<bool>();
    if (family_revoked) return Rotation{RotationOutcome::kFamilyRevoked, {}, std::nullopt};

    if (!used) {
      IssuedPair pair = issue(family);
      pqxx::binarystring sealed(seal_successor(token, encode_pair(pair)));
      tx.exec_prepared("refresh_mark_used", presented.jti, sealed);
      tx.exec_prepared("refresh_insert", pair.refresh.jti, family, epoch_seconds(pair.refresh.expires_at));
      tx.exec_prepared("family_extend", family, epoch_seconds(pair.refresh.expires_at));
      tx.commit();
      return Rotation{RotationOutcome::kRotated, std::move(pair), std::nullopt};
    }

    double used_seconds_ago = row[2].as<double>();
    if (used_seconds_ago <= static_cast<double>(reuse_grace_.count()) && !row[3].is_null()) {
      pqxx::binarystring sealed(row[3]);
      if (auto plain = open_successor(token, sealed.str())) {
        if (auto pair = decode_pair(*plain)) return Rotation{RotationOutcome::kReplayed, std::move(*pair), std::nullopt};
      }
    }
    // Reuse of a rotated token: someone holds a copy. Revoke every token of the family.
    auto revoked = tx.exec_prepared1("family_revoke", family, reason_name(RevocationReason::kReuse));
    tx.commit();
    return Rotation{RotationOutcome::kReuseDetected, {}, to_revocation(revoked)};
  });
}

std::optional<FamilyRevocation> RefreshFamilyStore::revoke(const common::jwt::Claims& presented,
                                                           RevocationReason reason) {
  return pool_.with_connection([&](pqxx::connection& c) -> std::optional<FamilyRevocation> {
    pqxx::work tx(c);
    auto row = lock_presented(tx, presented);
    auto revoked = tx.exec_prepared("family_revoke", row[0].as<std::string>(), reason_name(reason));
    tx.commit();
    if (revoked.empty()) return std::nullopt;
    return to_revocation(revoked[0]);
  });
}

std::vector<FamilyRevocation> RefreshFamilyStore::revoke_all(std::int64_t user_id, RevocationReason reason) {
  return pool_.with_connection([&](pqxx::connection& c) {
    pqxx::work tx(c);
    auto result = tx.exec_prepared("family_revoke_user", user_id, reason_name(reason));
    tx.commit();
    return to_revocations(result);
  });
}

bool RefreshFamilyStore::is_usable(const common::jwt::Claims& refresh) {
  return pool_.with_connection([&](pqxx::connection& c) {
    pqxx::read_transaction tx(c);
    auto result = tx.exec_prepared("refresh_usable", refresh.jti);
    // No row: a token from before families existed; its first rotation records it.
    if (result.empty()) return refresh.family.empty() || tx.exec_prepared("family_is_revoked", refresh.family).empty();
    return result[0][0].as<bool>();
  });
}

std::vector<FamilyRevocation> RefreshFamilyStore::live_revocations() {
  return pool_.with_connection([&](pqxx::connection& c) {
    pqxx::nontransaction tx(c);  // one statement: no BEGIN/COMMIT round trips
    return to_revocations(tx.exec_prepared("family_live_revocations"));
  });
}

}  // namespace auth
