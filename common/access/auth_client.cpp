#include "common/access/auth_client.hpp"

#include <algorithm>

#include <stdexcept>

namespace common {

nlohmann::json jwk_json(const auth::v1::Jwk& key) {
  return {{"kty", key.kty()}, {"crv", key.crv()}, {"x", key.x()},    {"y", key.y()},
          {"kid", key.kid()}, {"alg", key.alg()}, {"use", key.use()}};
}

auth::v1::Jwk jwk_message(const nlohmann::json& jwk) {
  auth::v1::Jwk key;
  key.set_kty(jwk.at("kty"));
  key.set_crv(jwk.at("crv"));
  key.set_x(jwk.at("x"));
  key.set_y(jwk.at("y"));
  key.set_kid(jwk.at("kid"));
  key.set_alg(jwk.at("alg"));
  key.set_use(jwk.at("use"));
  return key;
}

std::vector<jwt::KeyHandle> fetch_jwks(auth::v1::AuthService::StubInterface& auth, std::chrono::milliseconds timeout) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + timeout);
  // A token with a new kid typically follows an auth restart: wait (within the deadline) for
  // the channel to reconnect instead of failing at once while it is backing off.
  context.set_wait_for_ready(true);
  auth::v1::GetJwksResponse response;
  auto status = auth.GetJwks(&context, auth::v1::GetJwksRequest(), &response);
  if (!status.ok()) throw std::runtime_error("GetJwks failed: " + status.error_message());
  std::vector<jwt::KeyHandle> keys;
  for (const auto& key : response.keys()) {
    auto handle = jwt::key_from_jwk(jwk_json(key));
    // The kid must be the key's own thumbprint: a key cannot be smuggled in under another's kid.
    if (jwt::key_thumbprint(handle.get()) != key.kid()) throw std::runtime_error("JWKS kid does not match its key");
    keys.push_back(std::move(handle));
  }
  return keys;
}

bool check_revocation(auth::v1::AuthService::StubInterface& auth, std::string_view jti, std::string_view family,
                      std::chrono::milliseconds timeout) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + timeout);
  auth::v1::CheckRevocationRequest request;
  request.set_token_id(std::string(jti));
  request.set_family(std::string(family));
  auth::v1::CheckRevocationResponse response;
  auto status = auth.CheckRevocation(&context, request, &response);
  if (!status.ok()) throw std::runtime_error("CheckRevocation failed: " + status.error_message());
  return response.revoked();
}

std::unique_ptr<AccessTokens> access_tokens_from_auth(const VerifierConfig& config,
                                                      auth::v1::AuthService::StubInterface& auth,
                                                      std::chrono::milliseconds timeout) {
  auto check_timeout = std::min<std::chrono::milliseconds>(timeout, std::chrono::seconds(1));
  return std::make_unique<AccessTokens>(
      config, [&auth, timeout] { return fetch_jwks(auth, timeout); },
      [&auth, check_timeout](std::string_view jti, std::string_view family) {
        return check_revocation(auth, jti, family, check_timeout);
      });
}

std::unique_ptr<TokenVerifier> service_tokens_from_auth(const VerifierConfig& config,
                                                        auth::v1::AuthService::StubInterface& auth,
                                                        std::chrono::milliseconds timeout,
                                                        const std::string& audience) {
  jwt::VerifyRules rules = config.rules;
  rules.audience = audience;
  rules.token_type = "service";
  TokenVerifier::Options options{jwt::KeySet::from_pem_files(config.public_key_files), {}, rules, config.jwks_refresh};
  if (config.keys_from_auth) options.fetch_keys = [&auth, timeout] { return fetch_jwks(auth, timeout); };
  return std::make_unique<TokenVerifier>(std::move(options), nullptr);
}

}  // namespace common
