#include "content/content_config.hpp"

namespace content {

ContentConfig ContentConfig::from_env(common::Env& env) {
  ContentConfig c;
  c.server.listen_address = env.text("CONTENT_LISTEN_ADDR", "127.0.0.1:50052", "gRPC listen address");
  c.server.max_threads = static_cast<int>(
      env.integer("CONTENT_GRPC_MAX_THREADS", 64, "most threads serving gRPC calls", 2, 4096));
  c.server.shutdown_grace = std::chrono::milliseconds(
      env.integer("SHUTDOWN_GRACE_MS", 10000, "time in-flight calls get to finish on SIGTERM", 0));
  c.database_url = env.text("CONTENT_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/content",
                            "PostgreSQL URL of the content database");
  c.database_pool_size = static_cast<std::size_t>(
      env.integer("CONTENT_DATABASE_POOL_SIZE", 8, "PostgreSQL connections kept open", 1, 1000));
  c.tokens = common::verifier_config_from_env(env);
  c.auth_target = env.text("AUTH_SERVICE_TARGET", "127.0.0.1:50051", "gRPC target of the auth service (JWKS)");
  c.log_level = env.text("LOG_LEVEL", "info", "trace, debug, info, warn, error");
  return c;
}

}  // namespace content
