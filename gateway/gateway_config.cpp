#include "gateway/gateway_config.hpp"

#include "common/metrics/metrics_server.hpp"
#include "gateway/client_address.hpp"

#include <algorithm>

namespace gateway {

GatewayConfig GatewayConfig::from_env(common::Env& env) {
  GatewayConfig c;
  c.host = env.text("GATEWAY_HOST", "127.0.0.1", "HTTP listen address");
  c.port = static_cast<int>(env.integer("GATEWAY_PORT", 8080, "HTTP listen port", 0, 65535));
  c.threads = static_cast<int>(
      env.integer("GATEWAY_THREADS", 64,
                  "HTTP worker threads: requests handled at once (each waits on its gRPC call); idle or slow "
                  "connections hold none",
                  1, 10000));
  c.max_connections = static_cast<std::size_t>(
      env.integer("GATEWAY_MAX_CONNECTIONS", 10000,
                  "open HTTP connections; at the limit the longest-idle keep-alive connection is closed for a new one",
                  16, 1000000));
  c.keep_alive_max_requests = static_cast<std::size_t>(
      env.integer("GATEWAY_KEEPALIVE_MAX_REQUESTS", 10000, "requests served on one keep-alive connection", 1));
  // Longer than the upstream keep-alive of common proxies (ingress-nginx: 60 s), so the proxy,
  // not the gateway, ends an idle pooled connection and never sends on one being closed.
  c.keep_alive_timeout = std::chrono::seconds(
      env.integer("GATEWAY_KEEPALIVE_TIMEOUT_SECONDS", 75, "idle keep-alive connection lifetime", 1, 3600));
  c.header_timeout = std::chrono::milliseconds(
      env.integer("GATEWAY_HEADER_TIMEOUT_MS", 10000,
                  "time from a request's first byte to its complete head (slow clients)", 100, 600000));
  c.body_timeout = std::chrono::milliseconds(
      env.integer("GATEWAY_BODY_TIMEOUT_MS", 30000, "time from a request's head to its complete body", 100, 3600000));
  c.write_timeout = std::chrono::milliseconds(
      env.integer("GATEWAY_WRITE_TIMEOUT_MS", 10000, "time a client may take to read an answer", 100, 3600000));
  c.max_body_bytes = static_cast<std::size_t>(env.integer("GATEWAY_MAX_BODY_BYTES", 1024 * 1024,
                                                          "largest request body, Content-Length or chunked (413 above)",
                                                          1, 1024 * 1024 * 1024));
  c.max_buffered_bytes = static_cast<std::size_t>(
      env.integer("GATEWAY_MAX_BUFFERED_BYTES", 128 * 1024 * 1024,
                  "bytes of unfinished requests held over all connections; above it, large ones get 503", 1024 * 1024));
  c.public_base_url =
      env.text("GATEWAY_PUBLIC_BASE_URL", "",
               "scheme://host[:port] clients use to reach the API, for pagination links; empty: from a trusted "
               "proxy's X-Forwarded-Proto/-Host, else http://GATEWAY_HOST:GATEWAY_PORT (never the client's Host)");
  c.auth_target = env.text("AUTH_SERVICE_TARGET", "127.0.0.1:50051", "gRPC target of the auth service");
  c.content_target = env.text("CONTENT_SERVICE_TARGET", "127.0.0.1:50052", "gRPC target of the content service");
  c.upstream_timeout = std::chrono::milliseconds(
      env.integer("GATEWAY_UPSTREAM_TIMEOUT_MS", 5000, "deadline of every gRPC call", 1, 600000));
  c.cors_origins = env.list("GATEWAY_CORS_ORIGINS", "http://localhost:3000,http://localhost:5173",
                            "browser origins allowed to call the API with credentials (CORS)");
  c.cors_max_age = std::chrono::seconds(
      env.integer("GATEWAY_CORS_MAX_AGE_SECONDS", 600, "how long browsers may cache a preflight answer", 0, 86400));
  c.refresh_cookie = env.boolean("GATEWAY_REFRESH_COOKIE", false,
                                 "cookie mode: login/refresh also set the refresh token as an HttpOnly cookie, "
                                 "refresh/logout read it");
  c.cookie_secure = env.boolean("GATEWAY_COOKIE_SECURE", true, "mark the refresh cookie Secure (HTTPS only)");
  c.tokens = common::verifier_config_from_env(env);
  c.trusted_proxies = env.list("GATEWAY_TRUSTED_PROXIES", "",
                               "proxies (CIDRs) in front of the gateway whose X-Forwarded-For names the client "
                               "(rate limits are per client address)");
  while (!c.public_base_url.empty() && c.public_base_url.back() == '/') c.public_base_url.pop_back();
  bool scheme_ok = c.public_base_url.rfind("http://", 0) == 0 || c.public_base_url.rfind("https://", 0) == 0;
  bool plain = std::all_of(c.public_base_url.begin(), c.public_base_url.end(),
                           [](char ch) { return ch > 0x20 && ch < 0x7F && ch != '?' && ch != '#'; });
  if (!c.public_base_url.empty() && (!scheme_ok || !plain)) {
    env.reject("GATEWAY_PUBLIC_BASE_URL", "must look like https://api.example.com (no query or fragment)");
  }
  try {
    ClientAddress check(c.trusted_proxies);
  } catch (const common::ConfigError& e) {
    env.reject("GATEWAY_TRUSTED_PROXIES", e.what());
  }
  c.shutdown_drain = std::chrono::milliseconds(
      env.integer("SHUTDOWN_DRAIN_MS", 0,
                  "on SIGTERM, /readyz answers 503 this long while requests are still served, so load balancers "
                  "stop sending new ones first",
                  0, 600000));
  c.shutdown_grace = std::chrono::milliseconds(env.integer(
      "SHUTDOWN_GRACE_MS", 10000, "time in-flight requests get to finish once the gateway stops accepting", 0));
  c.metrics_address = common::metrics::metrics_address_from_env(env, "127.0.0.1:9100");
  c.log_level = env.text("LOG_LEVEL", "info", "trace, debug, info, warn, error");
  return c;
}

}  // namespace gateway
