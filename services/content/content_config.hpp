#pragma once

#include "common/core/config.hpp"
#include "common/grpc/grpc_server.hpp"
#include "common/jwt/token_rules_config.hpp"

#include <chrono>
#include <string>
#include <vector>

namespace content {

struct ContentConfig {
  common::GrpcServerOptions server;
  std::string database_url;
  std::size_t database_pool_size = 8;
  std::size_t max_queued_calls = 256;
  common::VerifierConfig tokens;
  std::string auth_target;  // where the JWKS comes from
  std::chrono::milliseconds auth_timeout{2000};
  std::string log_level;

  static ContentConfig from_env(common::Env& env);
};

}  // namespace content
