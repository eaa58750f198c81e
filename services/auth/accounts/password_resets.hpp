#pragma once

#include "auth/accounts/user_store.hpp"
#include "common/pg/pg_pool.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace auth {

struct PasswordResetSettings {
  std::chrono::seconds token_ttl{60 * 60};
  // A link for the mail (the SPA's reset page), "{token}" and "{uid}" replaced
  // (auth/accounts/account_links.hpp); empty: the mail carries the token only.
  std::string link_template;
};

// Single-use, expiring password reset tokens; only their SHA-256 is stored. Only the newest
// token of a user works: issuing one marks the earlier ones used, and so does any change of
// the password (UserStore::set_password_hash) or of the email address.
class PasswordResets final {
 public:
  PasswordResets(common::PgPool& pool, PasswordResetSettings settings) : pool_(pool), settings_(std::move(settings)) {}

  static void prepare(pqxx::connection& connection);

  // A new token for `user` and its mail in the outbox, in `tx`.
  void issue(pqxx::work& tx, const UserRecord& user) const;

  // The user a live token belongs to, without using it up (to check the new password first).
  std::optional<std::int64_t> holder(const std::string& token);
  // Uses the token up in `tx`; false when it is no longer live or not `user_id`'s.
  static bool consume(pqxx::work& tx, const std::string& token, std::int64_t user_id);

 private:
  common::PgPool& pool_;
  PasswordResetSettings settings_;
};

}  // namespace auth
