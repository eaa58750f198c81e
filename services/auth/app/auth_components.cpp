#include "auth/app/auth_components.hpp"

namespace auth {

void prepare_auth_statements(pqxx::connection& c) {
  UserStore::prepare(c);
  RefreshFamilyStore::prepare(c);
  RevocationStore::prepare(c);
  EmailVerifications::prepare(c);
  PasswordResets::prepare(c);
  AccountMailRequests::prepare(c);
  AccountDeletions::prepare(c);
  MailOutbox::prepare(c);
  UserDirectory::prepare(c);
  AuditLog::prepare(c);
  ServiceKeys::prepare(c);
}

TokenIssuer make_token_issuer(const AuthConfig& config) {
  auto also_trusted = common::jwt::KeySet::from_pem_files(config.retired_key_files);
  if (!config.legacy_hs256_secret.empty()) also_trusted.accept_legacy_hs256(config.legacy_hs256_secret);
  return TokenIssuer(common::jwt::SigningKey::from_pem_file(config.private_key_file), config.tokens,
                     std::move(also_trusted));
}

AuthComponents::AuthComponents(const AuthConfig& config, const std::string& throttle_scope)
    : pool(config.database_url, config.database_pool_size, prepare_auth_statements),
      redis(common::RedisOptions::from_url(config.redis_url)),
      users(pool),
      families(pool, config.refresh_reuse_grace),
      revocations(pool, redis),
      verifications(pool, config.email_verification),
      resets(pool, config.password_reset),
      mailer(make_mailer(config.smtp)),
      outbox(pool, *mailer),
      mail_requests(pool, resets, verifications, &outbox),
      deletions(pool, config.deletion_delay),
      hasher(config.argon2),
      tokens(make_token_issuer(config)),
      throttles{{redis, throttle_scope + "login-account", config.login_per_account},
                {redis, throttle_scope + "login-client", config.login_per_client},
                {redis, throttle_scope + "register-client", config.register_per_client},
                {redis, throttle_scope + "account-mail-email", config.account_mail_per_email},
                {redis, throttle_scope + "account-mail-client", config.account_mail_per_client}},
      policy(config.accounts),
      max_storage_calls(config.max_storage_calls),
      directory(pool),
      audit(pool),
      service_keys(pool),
      admin(pool, revocations) {}

}  // namespace auth
