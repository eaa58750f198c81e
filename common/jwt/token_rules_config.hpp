#pragma once

#include "common/core/config.hpp"
#include "common/jwt/jwt.hpp"

#include <chrono>
#include <string>
#include <vector>

namespace common {

// What every access-token verifier (gateway, content) reads from the environment.
struct VerifierConfig {
  std::vector<std::string> public_key_files;  // trusted besides the auth service's JWKS
  std::string legacy_hs256_secret;            // HS256 migration mode
  bool keys_from_auth = true;                 // follow the auth service's JWKS
  std::chrono::seconds jwks_refresh{300};
  std::string revocations_redis_url;  // the revocation channel; empty: none
  jwt::VerifyRules rules;             // token_type "access"

  // The keys from files plus the HS256 secret. Throws jwt::KeyError.
  jwt::KeySet static_keys() const;
};

VerifierConfig verifier_config_from_env(Env& env);

}  // namespace common
