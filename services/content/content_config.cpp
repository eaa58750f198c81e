#include "content/content_config.hpp"

namespace content {

ContentConfig ContentConfig::from_env(common::Env& env) {
  ContentConfig c;
  c.server = common::grpc_server_options_from_env(env, "CONTENT", "127.0.0.1:50052", "127.0.0.1:9102");
  c.database_url = env.text("CONTENT_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/content",
                            "PostgreSQL URL of the content database");
  c.database_pool_size = static_cast<std::size_t>(env.integer(
      "CONTENT_DATABASE_POOL_SIZE", 8, "PostgreSQL connections kept open, and threads running database work", 1, 1000));
  c.max_queued_calls = static_cast<std::size_t>(
      env.integer("CONTENT_MAX_QUEUED_CALLS", 256,
                  "calls that may wait for a database thread; beyond, calls are refused at once (503)", 0, 100000));
  c.tokens = common::verifier_config_from_env(env);
  c.auth_target =
      env.text("AUTH_SERVICE_TARGET", "127.0.0.1:50051", "gRPC target of the auth service (JWKS, revocation checks)");
  c.log_level = env.text("LOG_LEVEL", "info", "trace, debug, info, warn, error");
  return c;
}

}  // namespace content
