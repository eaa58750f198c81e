#pragma once

#include "auth/accounts/user_store.hpp"
#include "common/pg/pg_pool.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace auth {

struct EmailVerificationSettings {
  std::chrono::seconds token_ttl{24 * 60 * 60};
  // A link for the mail, "{token}" and "{uid}" replaced (auth/accounts/account_links.hpp);
  // empty: the mail carries the token only.
  std::string link_template;
};

// Single-use, expiring tokens that prove a user owns an email address (seed 001): the one the
// account has, or a new one it asked to change to (UpdateMe). Only the token's SHA-256 is
// stored; the token itself travels in the mail alone.
class EmailVerifications final {
 public:
  EmailVerifications(common::PgPool& pool, EmailVerificationSettings settings)
      : pool_(pool), settings_(std::move(settings)) {}

  static void prepare(pqxx::connection& connection);

  // Inside the transaction that creates `user` (or resends): a new token for the address the
  // account has and its mail in the outbox, so both commit together.
  void issue(pqxx::work& tx, const UserRecord& user) const;
  // A token for `user.pending_email`, mailed there; with `tell_old_address`, the address the
  // account has now is told that a change was asked for.
  void issue_change(pqxx::work& tx, const UserRecord& user, bool tell_old_address) const;

  // Consumes `token`: marks the address verified, or makes the pending address the account's.
  // Returns the user id, or nullopt (nothing changed) when the token is unknown, used,
  // expired, for an address the user no longer has or no longer wants, or of another user than
  // `expected_user` (djoser's uid) when given. Throws DuplicateUser when the new address was
  // taken by another account meanwhile.
  std::optional<std::int64_t> consume(const std::string& token,
                                      std::optional<std::int64_t> expected_user = std::nullopt);

 private:
  // A token proving `address` (`purpose` "verify" or "change") and its mail, in `tx`.
  void mail_token(pqxx::work& tx, const UserRecord& user, const std::string& address, const char* purpose,
                  const char* subject, const char* what) const;

  common::PgPool& pool_;
  EmailVerificationSettings settings_;
};

// "Hello <name>": the name, else the username, else the email.
std::string greeting_name(const UserRecord& user);

}  // namespace auth
