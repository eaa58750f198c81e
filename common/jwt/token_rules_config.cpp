#include "common/jwt/token_rules_config.hpp"

namespace common {

jwt::KeySet VerifierConfig::static_keys() const {
  auto keys = jwt::KeySet::from_pem_files(public_key_files);
  if (!legacy_hs256_secret.empty()) keys.accept_legacy_hs256(legacy_hs256_secret);
  return keys;
}

VerifierConfig verifier_config_from_env(Env& env) {
  VerifierConfig c;
  c.public_key_files =
      env.list("JWT_PUBLIC_KEY_FILES", "", "comma-separated PEM files of keys trusted besides the auth service's JWKS");
  c.keys_from_auth =
      env.boolean("JWKS_FROM_AUTH", true, "fetch the verifying keys from the auth service (again on an unknown kid)");
  c.jwks_refresh = std::chrono::seconds(
      env.integer("JWKS_REFRESH_SECONDS", 300, "refetch the auth service's keys this often", 1, 86400));
  c.legacy_hs256_secret = env.text("JWT_LEGACY_HS256_SECRET", "",
                                   "HS256 migration mode: the simplejwt SIGNING_KEY whose tokens are accepted");
  c.revocations_redis_url = env.text("REVOCATIONS_REDIS_URL", "redis://127.0.0.1:6379/0",
                                     "Redis carrying the revocation channel (empty: revoked access tokens "
                                     "are accepted until they expire)");
  c.rules.issuer = env.text("JWT_ISSUER", "auth-service", "required iss claim");
  c.rules.audience = env.text("JWT_AUDIENCE", "api", "required aud claim");
  c.rules.leeway =
      std::chrono::seconds(env.integer("JWT_LEEWAY_SECONDS", 30, "clock skew tolerated on exp/nbf", 0, 3600));
  c.rules.token_type = "access";
  return c;
}

}  // namespace common
