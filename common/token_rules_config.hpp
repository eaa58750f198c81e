#pragma once

#include "common/config.hpp"
#include "common/jwt.hpp"

#include <string>
#include <vector>

namespace common {

// What every token verifier (gateway, content) reads from the environment.
struct VerifierConfig {
  std::vector<std::string> public_key_files;
  jwt::VerifyRules rules;  // token_type "access"
};

VerifierConfig verifier_config_from_env(Env& env);

}  // namespace common
