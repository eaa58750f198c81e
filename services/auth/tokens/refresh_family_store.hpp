#pragma once

#include "auth/tokens/token_issuer.hpp"
#include "common/jwt/jwt.hpp"
#include "common/pg/pg_pool.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace auth {

// A family whose tokens must all be refused until `expires_at`.
struct FamilyRevocation {
  std::string family;
  std::int64_t user_id = 0;
  std::chrono::system_clock::time_point expires_at;
};

// The client a session was last used from, as the gateway saw it (display text only).
struct SessionClient {
  std::string user_agent;
  std::string client_ip;
};

// A live family, as the sessions page shows it.
struct SessionRecord {
  std::string family;
  std::chrono::system_clock::time_point created_at;
  std::chrono::system_clock::time_point last_used_at;
  std::chrono::system_clock::time_point expires_at;
  SessionClient client;
};

enum class RotationOutcome {
  kRotated,        // first use: a new pair was issued
  kReplayed,       // a second use within the grace window: the same new pair again
  kReuseDetected,  // a used token after the grace window: the family is now revoked
  kFamilyRevoked,  // the family was already revoked (logout, reuse, deactivation)
};

struct Rotation {
  RotationOutcome outcome;
  IssuedPair pair;                          // kRotated, kReplayed
  std::optional<FamilyRevocation> revoked;  // kReuseDetected
};

enum class RevocationReason {
  kLogout,
  kReuse,
  kDeactivated,
  kPasswordChange,
  kPasswordReset,
  kAccountDeleted,
  kSessionEnded,  // by its user, from the sessions page
  kAdmin,
};

// Refresh-token families and rotation in PostgreSQL, the single source of truth: two tabs
// refreshing at once are serialised by row locks, and every decision holds without Redis.
class RefreshFamilyStore final {
 public:
  RefreshFamilyStore(common::PgPool& pool, std::chrono::seconds reuse_grace) : pool_(pool), reuse_grace_(reuse_grace) {}

  static void prepare(pqxx::connection& connection);

  // Records the family and first refresh token of a new login.
  void start(std::int64_t user_id, const IssuedPair& pair, const SessionClient& client);
  static void start(pqxx::work& tx, std::int64_t user_id, const IssuedPair& pair, const SessionClient& client);

  // Rotates `presented` (verified claims of the raw `token`); `issue(family)` signs the new
  // pair and runs inside the rotation's transaction, so nothing is issued that is not recorded.
  // The family's client becomes `client`.
  Rotation rotate(const common::jwt::Claims& presented, const std::string& token, const SessionClient& client,
                  const std::function<IssuedPair(const std::string& family)>& issue);

  // Revokes the family of `presented`; nullopt when it was revoked already.
  std::optional<FamilyRevocation> revoke(const common::jwt::Claims& presented, RevocationReason reason);
  // Revokes every live family of a user (deactivation).
  std::vector<FamilyRevocation> revoke_all(std::int64_t user_id, RevocationReason reason);
  static std::vector<FamilyRevocation> revoke_all(pqxx::work& tx, std::int64_t user_id, RevocationReason reason);
  // Every live family of `user_id` but `keep` (the caller's), in `tx`.
  static std::vector<FamilyRevocation> revoke_others(pqxx::work& tx, std::int64_t user_id, const std::string& keep,
                                                     RevocationReason reason);

  // The user's live families, most recently used first.
  std::vector<SessionRecord> live_sessions(std::int64_t user_id);
  // Revokes the user's live family `family`; nullopt when the user has no such live family.
  std::optional<FamilyRevocation> end_session(std::int64_t user_id, const std::string& family);
  // Every live family of `user_id` but `keep`.
  std::vector<FamilyRevocation> end_other_sessions(std::int64_t user_id, const std::string& keep);

  // False for a used refresh token or one whose family is revoked.
  bool is_usable(const common::jwt::Claims& refresh);
  // Every revoked family that still has live tokens: what Redis must hold.
  std::vector<FamilyRevocation> live_revocations();

 private:
  common::PgPool& pool_;
  std::chrono::seconds reuse_grace_;
};

}  // namespace auth
