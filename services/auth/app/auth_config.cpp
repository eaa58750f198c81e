#include "auth/app/auth_config.hpp"

#include <algorithm>

namespace auth {

AuthConfig AuthConfig::from_env(common::Env& env) {
  AuthConfig c;
  c.server = common::grpc_server_options_from_env(env, "AUTH", "127.0.0.1:50051", "127.0.0.1:9101");
  c.database_url =
      env.text("AUTH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/auth", "PostgreSQL URL of the auth database");
  c.database_pool_size =
      static_cast<std::size_t>(env.integer("AUTH_DATABASE_POOL_SIZE", 8, "PostgreSQL connections kept open", 1, 1000));
  c.max_storage_calls = static_cast<std::size_t>(
      env.integer("AUTH_MAX_STORAGE_CALLS", 64,
                  "calls that may use the database at once (the rest of the gRPC threads stay free for health "
                  "checks and keys); beyond, calls are refused at once (503)",
                  1, 100000));
  c.redis_url = env.text("AUTH_REDIS_URL", "redis://127.0.0.1:6379/0", "Redis URL (revocation cache)");
  c.private_key_file = env.text("JWT_PRIVATE_KEY_FILE", ".state/keys/jwt-signing.pem",
                                "PEM file of the EC P-256 key that signs tokens (ES256)");
  c.retired_key_files = env.list("JWT_RETIRED_KEY_FILES", "",
                                 "PEM files of former signing keys: their tokens stay valid until they expire");
  c.legacy_hs256_secret = env.text("JWT_LEGACY_HS256_SECRET", "",
                                   "HS256 migration mode: the simplejwt SIGNING_KEY of the Django deployment "
                                   "being replaced; its tokens are accepted until they expire");
  c.refresh_reuse_grace = std::chrono::seconds(
      env.integer("JWT_REFRESH_REUSE_GRACE_SECONDS", 10,
                  "a rotated refresh token presented again this soon gets the same new pair (two tabs)", 0, 300));
  c.tokens.issuer = env.text("JWT_ISSUER", "auth-service", "iss claim of issued tokens");
  c.tokens.audience = env.text("JWT_AUDIENCE", "api", "aud claim of issued tokens");
  c.tokens.access_ttl = std::chrono::seconds(env.integer("JWT_ACCESS_TTL_SECONDS", 900, "access token lifetime", 1));
  c.tokens.refresh_ttl =
      std::chrono::seconds(env.integer("JWT_REFRESH_TTL_SECONDS", 86400, "refresh token lifetime", 1));
  c.tokens.leeway =
      std::chrono::seconds(env.integer("JWT_LEEWAY_SECONDS", 30, "clock skew tolerated on exp/nbf", 0, 3600));
  c.argon2.memory_kib = static_cast<std::uint32_t>(
      env.integer("ARGON2_MEMORY_KIB", 19456, "argon2id memory cost in KiB", 8, 4 * 1024 * 1024));
  c.argon2.iterations = static_cast<std::uint32_t>(env.integer("ARGON2_ITERATIONS", 2, "argon2id time cost", 1, 100));
  c.argon2.parallelism = static_cast<std::uint32_t>(env.integer("ARGON2_PARALLELISM", 1, "argon2id lanes", 1, 64));
  c.argon2.max_concurrent = static_cast<std::uint32_t>(
      env.integer("ARGON2_MAX_CONCURRENT", 0,
                  "password hashes computed at once, the others wait (memory: this many times ARGON2_MEMORY_KIB); "
                  "0: one per core",
                  0, 1024));
  auto limit = [&env](const std::string& prefix, RateLimit fallback, const std::string& what) {
    return RateLimit{env.integer(prefix + "_MAX", fallback.max_attempts, what + ": attempts allowed per window", 1),
                     std::chrono::seconds(env.integer(prefix + "_WINDOW_SECONDS", fallback.window.count(),
                                                      what + ": window length", 1, 86400))};
  };
  c.login_per_account = limit("LOGIN_LIMIT_PER_ACCOUNT", c.login_per_account, "logins per account");
  c.login_per_client = limit("LOGIN_LIMIT_PER_CLIENT", c.login_per_client, "logins per client address");
  c.register_per_client = limit("REGISTER_LIMIT_PER_CLIENT", c.register_per_client, "registrations per client address");
  c.account_mail_per_email = limit("ACCOUNT_MAIL_LIMIT_PER_EMAIL", c.account_mail_per_email,
                                   "password reset and verification mails asked for, per address");
  c.account_mail_per_client = limit("ACCOUNT_MAIL_LIMIT_PER_CLIENT", c.account_mail_per_client,
                                    "password reset and verification mails asked for, per client address");
  c.accounts.registration = env.choice("REGISTRATION_POLICY", "open", {"open", "admin-only"},
                                       "who may register users: anyone, or staff users only") == "admin-only"
                                ? RegistrationPolicy::kAdminOnly
                                : RegistrationPolicy::kOpen;
  c.accounts.require_verified_email =
      env.boolean("REQUIRE_VERIFIED_EMAIL", false, "refuse login until the user has verified their email address");
  c.accounts.passwords.min_length =
      static_cast<std::size_t>(env.integer("PASSWORD_MIN_LENGTH", 8, "Django's MinimumLengthValidator", 1, 4096));
  auto checks = env.list("PASSWORD_CHECKS", "similarity,common,numeric",
                         "Django's other password validators in force (empty: none)");
  auto has = [&checks](const char* name) { return std::find(checks.begin(), checks.end(), name) != checks.end(); };
  c.accounts.passwords.check_similarity = has("similarity");
  c.accounts.passwords.check_common = has("common");
  c.accounts.passwords.check_numeric = has("numeric");
  c.email_verification.token_ttl = std::chrono::seconds(
      env.integer("EMAIL_VERIFICATION_TTL_SECONDS", 86400, "lifetime of an email verification token", 60));
  c.email_verification.link_template =
      env.text("EMAIL_VERIFICATION_URL", "",
               "link put in the verification mail, {token} and {uid} replaced (the SPA's verify page)");
  c.password_reset.token_ttl = std::chrono::seconds(
      env.integer("PASSWORD_RESET_TTL_SECONDS", 3600, "lifetime of a password reset token", 60, 7 * 86400));
  c.password_reset.link_template =
      env.text("PASSWORD_RESET_URL", "",
               "link put in the password reset mail, {token} and {uid} replaced (the SPA's reset page)");
  c.content_target = env.text("AUTH_CONTENT_ADDR", "",
                              "host:port of the content service, told to remove a deleted account's posts and tasks; "
                              "empty: those removals wait until it is set");
  c.content_timeout =
      std::chrono::milliseconds(env.integer("AUTH_CONTENT_TIMEOUT_MS", 5000, "deadline of calls to content", 1, 60000));
  c.deletion_delay = std::chrono::milliseconds(
      env.integer("ACCOUNT_DELETION_DELAY_MS", 10000,
                  "wait before a deleted account's content is removed: longer than revocations take to reach every "
                  "replica plus the longest call, so no write started before the deletion lands after it",
                  0, 3600000));
  c.smtp.url = env.text("SMTP_URL", "", "smtp://host:port or smtps://host:port; empty: mails go to the log");
  c.smtp.username = env.text("SMTP_USERNAME", "", "SMTP login");
  c.smtp.password = env.text("SMTP_PASSWORD", "", "SMTP password");
  c.smtp.from = env.text("SMTP_FROM", "no-reply@localhost", "sender address of mails");
  c.smtp.require_tls = env.boolean("SMTP_REQUIRE_TLS", false, "refuse to send over smtp:// without STARTTLS");
  c.log_level = env.text("LOG_LEVEL", "info", "trace, debug, info, warn, error");
  return c;
}

}  // namespace auth
