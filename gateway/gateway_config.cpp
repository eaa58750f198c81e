#include "gateway/gateway_config.hpp"

namespace gateway {

GatewayConfig GatewayConfig::from_env(common::Env& env) {
  GatewayConfig c;
  c.host = env.text("GATEWAY_HOST", "127.0.0.1", "HTTP listen address");
  c.port = static_cast<int>(env.integer("GATEWAY_PORT", 8080, "HTTP listen port", 0, 65535));
  c.threads = static_cast<int>(env.integer(
      "GATEWAY_THREADS", 64, "HTTP worker threads (each open keep-alive connection holds one)", 1, 10000));
  c.keep_alive_max_requests = static_cast<std::size_t>(env.integer(
      "GATEWAY_KEEPALIVE_MAX_REQUESTS", 10000, "requests served on one keep-alive connection", 1));
  c.keep_alive_timeout = std::chrono::seconds(
      env.integer("GATEWAY_KEEPALIVE_TIMEOUT_SECONDS", 5, "idle keep-alive connection lifetime", 1, 3600));
  c.max_body_bytes = static_cast<std::size_t>(
      env.integer("GATEWAY_MAX_BODY_BYTES", 1024 * 1024, "largest request body accepted (413 above)", 1));
  c.auth_target = env.text("AUTH_SERVICE_TARGET", "127.0.0.1:50051", "gRPC target of the auth service");
  c.content_target =
      env.text("CONTENT_SERVICE_TARGET", "127.0.0.1:50052", "gRPC target of the content service");
  c.upstream_timeout = std::chrono::milliseconds(
      env.integer("GATEWAY_UPSTREAM_TIMEOUT_MS", 5000, "deadline of every gRPC call", 1, 600000));
  c.cors_origins = env.list("GATEWAY_CORS_ORIGINS", "http://localhost:3000,http://localhost:5173",
                            "browser origins allowed to call the API with credentials (CORS)");
  c.cors_max_age = std::chrono::seconds(
      env.integer("GATEWAY_CORS_MAX_AGE_SECONDS", 600, "how long browsers may cache a preflight answer", 0, 86400));
  c.refresh_cookie.enabled = env.boolean(
      "GATEWAY_REFRESH_COOKIE", false, "also send the refresh token as an HttpOnly cookie and accept it there");
  c.refresh_cookie.secure =
      env.boolean("GATEWAY_COOKIE_SECURE", true, "mark the refresh cookie Secure (https only)");
  // The same variable as auth's, so the cookie lives as long as the token in it.
  c.refresh_cookie.max_age = std::chrono::seconds(
      env.integer("JWT_REFRESH_TTL_SECONDS", 86400, "refresh token lifetime (the refresh cookie's Max-Age)", 1));
  c.tokens = common::verifier_config_from_env(env);
  c.log_level = env.text("LOG_LEVEL", "info", "trace, debug, info, warn, error");
  return c;
}

}  // namespace gateway
