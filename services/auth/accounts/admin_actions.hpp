#pragma once

#include "auth/accounts/audit_log.hpp"
#include "auth/accounts/user_directory.hpp"
#include "auth/accounts/user_store.hpp"
#include "auth/tokens/refresh_family_store.hpp"
#include "auth/tokens/revocation_store.hpp"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace auth {

// Issues a password reset for `user` inside `tx` (the reset token and its mail commit with the
// audit row): PasswordResets::issue.
using SendPasswordReset = std::function<void(pqxx::work& tx, const UserRecord& user)>;

struct ActiveChange {
  DirectoryEntry user;   // as the change left it
  bool changed = false;  // false: the user already was in that state
  std::vector<FamilyRevocation> ended;
};

// What an administrator can change, for the admin RPCs and the CLI alike: one code path, so both
// write the same audit rows. Each change, its audit row and the end of any sessions commit in
// one transaction on the user's locked row; the row is logged once committed. The user
// methods answer nullopt (false) when there is no such user, and change nothing then.
class AdminActions final {
 public:
  AdminActions(common::PgPool& pool, RevocationStore& revocations) : pool_(pool), revocations_(revocations) {}

  // Deactivating ends every session at once: refresh tokens in PostgreSQL, access tokens on
  // every replica (announced right after the commit, else by the outbox's publisher).
  std::optional<ActiveChange> set_active(const Actor& actor, std::int64_t user_id, bool active);
  std::optional<DirectoryEntry> set_staff(const Actor& actor, std::int64_t user_id, bool staff);
  // How many sessions ended.
  std::optional<std::size_t> end_sessions(const Actor& actor, std::int64_t user_id);
  bool send_password_reset(const Actor& actor, std::int64_t user_id, const SendPasswordReset& send);

  // The new key, shown once (ServiceKeys::create; throws DuplicateServiceKey).
  std::string create_service_key(const Actor& actor, const std::string& name);
  // False when no live key had that name.
  bool revoke_service_key(const Actor& actor, const std::string& name);

 private:
  common::PgPool& pool_;
  RevocationStore& revocations_;
};

}  // namespace auth
