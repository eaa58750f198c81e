#include "auth/auth_config.hpp"
#include "auth/auth_service.hpp"
#include "common/log.hpp"
#include "common/migrations.hpp"
#include "auth/schema.hpp"
#include "common/shutdown_signal.hpp"

#include <iostream>

int main(int argc, char** argv) {
  common::ShutdownSignal shutdown;
  common::Env env("auth-service", "gRPC service for registration, login and tokens");
  auto config = auth::AuthConfig::from_env(env);
  if (common::Env::help_requested(argc, argv)) {
    env.print_help(std::cout);
    return 0;
  }
  try {
    env.check();
    common::log::init("auth", config.log_level);
    auth::TokenIssuer tokens(common::jwt::SigningKey::from_pem_file(config.private_key_file),
                             config.tokens);
    {
      pqxx::connection connection(config.database_url);
      int applied = common::apply_migrations(connection, "auth", auth::migrations());
      common::log::info("migrations applied", {{"count", applied}});
    }
    common::PgPool pool(config.database_url, config.database_pool_size, [](pqxx::connection& c) {
      auth::UserStore::prepare(c);
      auth::RevocationStore::prepare(c);
    });
    common::RedisClient redis(common::RedisOptions::from_url(config.redis_url));
    auth::UserStore users(pool);
    auth::RevocationStore revocations(pool, redis);
    auth::PasswordHasher hasher(config.argon2);
    auth::Throttles throttles{{redis, "login-account", config.login_per_account},
                              {redis, "login-client", config.login_per_client},
                              {redis, "register-client", config.register_per_client}};
    auth::AuthServiceImpl service(users, revocations, hasher, tokens, throttles);
    common::serve_grpc(config.server, {&service}, {"auth.v1.AuthService"}, shutdown);
    return 0;
  } catch (const std::exception& e) {
    common::log::init("auth", "info");
    common::log::error("fatal", {{"error", e.what()}});
    return 1;
  }
}
