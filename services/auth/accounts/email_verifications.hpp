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
  // A link for the mail, "{token}" replaced by the token; empty: the mail carries the token only.
  std::string link_template;
};

// Single-use, expiring tokens that prove a user owns their email address (seed 001). Only the
// token's SHA-256 is stored; the token itself travels in the mail alone.
class EmailVerifications final {
 public:
  EmailVerifications(common::PgPool& pool, EmailVerificationSettings settings)
      : pool_(pool), settings_(std::move(settings)) {}

  static void prepare(pqxx::connection& connection);

  // Inside the transaction that creates `user`: a new token and its mail in the outbox, so
  // the registration and its mail commit together.
  void issue(pqxx::work& tx, const UserRecord& user) const;

  // Consumes `token` and marks the address verified; the user id, or nullopt when the token
  // is unknown, used, expired, or for an address the user no longer has.
  std::optional<std::int64_t> consume(const std::string& token);

 private:
  common::PgPool& pool_;
  EmailVerificationSettings settings_;
};

}  // namespace auth
