#pragma once

#include "common/config.hpp"
#include "common/token_rules_config.hpp"

#include <chrono>
#include <string>
#include <vector>

namespace gateway {

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
  bool refresh_cookie = false;
  bool cookie_secure = true;
  common::VerifierConfig tokens;
  std::vector<std::string> trusted_proxies;  // CIDRs whose X-Forwarded-For is believed
  std::chrono::milliseconds shutdown_drain{0};
  std::chrono::milliseconds shutdown_grace{10000};
  std::string metrics_address;
  std::string log_level;

  static GatewayConfig from_env(common::Env& env);
};

}  // namespace gateway
