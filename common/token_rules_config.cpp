#include "common/token_rules_config.hpp"

namespace common {

VerifierConfig verifier_config_from_env(Env& env) {
  VerifierConfig c;
  c.public_key_files = env.list("JWT_PUBLIC_KEY_FILES", ".state/keys/jwt-signing.pem",
                                "comma-separated PEM files of the keys that verify tokens");
  c.rules.issuer = env.text("JWT_ISSUER", "auth-service", "required iss claim");
  c.rules.audience = env.text("JWT_AUDIENCE", "api", "required aud claim");
  c.rules.leeway = std::chrono::seconds(
      env.integer("JWT_LEEWAY_SECONDS", 30, "clock skew tolerated on exp/nbf", 0, 3600));
  c.rules.token_type = "access";
  return c;
}

}  // namespace common
