#pragma once

#include "common/core/config.hpp"
#include "common/jwt/token_rules_config.hpp"

#include <chrono>
#include <string>
#include <vector>

namespace gateway {

struct GatewayConfig {
  std::string host;
  int port = 8080;
  int threads = 64;  // requests handled at once; idle connections hold none
  std::size_t max_connections = 10000;
  std::size_t keep_alive_max_requests = 10000;
  std::chrono::milliseconds keep_alive_timeout{75000};
  std::chrono::milliseconds header_timeout{10000};
  std::chrono::milliseconds body_timeout{30000};
  std::chrono::milliseconds write_timeout{10000};
  std::size_t max_body_bytes = 1024 * 1024;
  std::size_t max_buffered_bytes = 128 * 1024 * 1024;
  std::string public_base_url;  // scheme://host[:port] of the API as clients see it (links)
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
