#include "auth/auth_config.hpp"

namespace auth {

AuthConfig AuthConfig::from_env(common::Env& env) {
  AuthConfig c;
  c.server.listen_address = env.text("AUTH_LISTEN_ADDR", "127.0.0.1:50051", "gRPC listen address");
  c.server.max_threads = static_cast<int>(
      env.integer("AUTH_GRPC_MAX_THREADS", 64, "most threads serving gRPC calls", 2, 4096));
  c.server.shutdown_grace = std::chrono::milliseconds(
      env.integer("SHUTDOWN_GRACE_MS", 10000, "time in-flight calls get to finish on SIGTERM", 0));
  c.database_url = env.text("AUTH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/auth",
                            "PostgreSQL URL of the auth database");
  c.database_pool_size = static_cast<std::size_t>(
      env.integer("AUTH_DATABASE_POOL_SIZE", 8, "PostgreSQL connections kept open", 1, 1000));
  c.redis_url = env.text("AUTH_REDIS_URL", "redis://127.0.0.1:6379/0", "Redis URL (revocation cache)");
  c.private_key_file = env.text("JWT_PRIVATE_KEY_FILE", ".state/keys/jwt-signing.pem",
                                "PEM file of the EC P-256 key that signs tokens (ES256)");
  c.tokens.issuer = env.text("JWT_ISSUER", "auth-service", "iss claim of issued tokens");
  c.tokens.audience = env.text("JWT_AUDIENCE", "api", "aud claim of issued tokens");
  c.tokens.access_ttl = std::chrono::seconds(
      env.integer("JWT_ACCESS_TTL_SECONDS", 900, "access token lifetime", 1));
  c.tokens.refresh_ttl = std::chrono::seconds(
      env.integer("JWT_REFRESH_TTL_SECONDS", 86400, "refresh token lifetime", 1));
  c.tokens.leeway = std::chrono::seconds(
      env.integer("JWT_LEEWAY_SECONDS", 30, "clock skew tolerated on exp/nbf", 0, 3600));
  c.argon2.memory_kib = static_cast<std::uint32_t>(
      env.integer("ARGON2_MEMORY_KIB", 19456, "argon2id memory cost in KiB", 8, 4 * 1024 * 1024));
  c.argon2.iterations = static_cast<std::uint32_t>(
      env.integer("ARGON2_ITERATIONS", 2, "argon2id time cost", 1, 100));
  c.argon2.parallelism = static_cast<std::uint32_t>(
      env.integer("ARGON2_PARALLELISM", 1, "argon2id lanes", 1, 64));
  auto limit = [&env](const std::string& prefix, RateLimit fallback, const std::string& what) {
    return RateLimit{
        env.integer(prefix + "_MAX", fallback.max_attempts, what + ": attempts allowed per window", 1),
        std::chrono::seconds(env.integer(prefix + "_WINDOW_SECONDS", fallback.window.count(),
                                         what + ": window length", 1, 86400))};
  };
  c.login_per_account = limit("LOGIN_LIMIT_PER_ACCOUNT", c.login_per_account, "logins per account");
  c.login_per_client = limit("LOGIN_LIMIT_PER_CLIENT", c.login_per_client, "logins per client address");
  c.register_per_client =
      limit("REGISTER_LIMIT_PER_CLIENT", c.register_per_client, "registrations per client address");
  c.log_level = env.text("LOG_LEVEL", "info", "trace, debug, info, warn, error");
  return c;
}

}  // namespace auth
