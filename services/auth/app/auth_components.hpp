#pragma once

#include "auth/accounts/admin_actions.hpp"
#include "auth/accounts/email_verifications.hpp"
#include "auth/api/admin_service.hpp"
#include "auth/api/auth_service.hpp"
#include "auth/app/auth_config.hpp"
#include "auth/mail/mail_outbox.hpp"
#include "auth/mail/mailer.hpp"
#include "common/pg/pg_pool.hpp"
#include "common/redis/redis_client.hpp"

#include <memory>

namespace auth {

// Prepares every statement of the auth stores on a new pooled connection.
void prepare_auth_statements(pqxx::connection& connection);

// Every part of the auth service, wired from its configuration: one place for the server, the
// admin commands and the tests. Migrations must have run before.
struct AuthComponents {
  // `throttle_scope` prefixes the rate limiters' Redis keys: tests that share one Redis keep
  // their counts apart with it.
  explicit AuthComponents(const AuthConfig& config, const std::string& throttle_scope = "");

  common::PgPool pool;
  common::RedisClient redis;
  UserStore users;
  RefreshFamilyStore families;
  RevocationStore revocations;
  EmailVerifications verifications;
  PasswordResets resets;
  std::unique_ptr<Mailer> mailer;
  MailOutbox outbox;
  AccountMailRequests mail_requests;
  AccountDeletions deletions;
  PasswordHasher hasher;
  TokenIssuer tokens;
  Throttles throttles;
  AccountPolicy policy;
  std::size_t max_storage_calls;
  UserDirectory directory;
  AuditLog audit;
  ServiceKeys service_keys;
  AdminActions admin;

  AuthParts parts() {
    return {users,   families, revocations, verifications, resets, mail_requests,    deletions,
            &outbox, hasher,   tokens,      throttles,     policy, max_storage_calls};
  }
  // The admin service's parts; SendPasswordReset issues a reset as RequestPasswordReset does.
  AdminParts admin_parts() {
    return admin_parts([this](pqxx::work& tx, const UserRecord& user) { resets.issue(tx, user); });
  }
  // `send_reset`: how SendPasswordReset issues a reset (tests wrap PasswordResets::issue).
  AdminParts admin_parts(SendPasswordReset send_reset) {
    return {admin, directory, audit, service_keys, users, revocations, tokens, std::move(send_reset)};
  }
};

// The signing key, retired keys and HS256 migration secret of `config`.
TokenIssuer make_token_issuer(const AuthConfig& config);

}  // namespace auth
