#pragma once

#include "common/config.hpp"
#include "common/token_rules_config.hpp"

#include <chrono>
#include <string>
#include <vector>

namespace gateway {

// Cookie mode for browser clients: login, register and refresh answers also set the refresh
// token as an HttpOnly cookie, and refresh and logout read it there when the body has none.
struct RefreshCookieConfig {
  bool enabled = false;
  bool secure = true;  // off only for plain-http development origins
  std::chrono::seconds max_age{86400};
};

struct GatewayConfig {
  std::string host;
  int port = 8080;
  int threads = 64;                       // a keep-alive connection holds a thread
  std::size_t keep_alive_max_requests = 10000;
  std::chrono::seconds keep_alive_timeout{5};
  std::size_t max_body_bytes = 1024 * 1024;
  std::string auth_target;
  std::string content_target;
  std::chrono::milliseconds upstream_timeout{5000};
  std::vector<std::string> cors_origins;
  std::chrono::seconds cors_max_age{600};
  RefreshCookieConfig refresh_cookie;
  common::VerifierConfig tokens;
  std::string log_level;

  static GatewayConfig from_env(common::Env& env);
};

}  // namespace gateway
