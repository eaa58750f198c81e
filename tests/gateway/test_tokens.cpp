#include "tests/gateway/test_tokens.hpp"

#include <openssl/evp.h>

#include <stdexcept>

namespace gateway_test {
namespace {

common::jwt::KeyHandle new_p256_key() {
  EVP_PKEY* key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
  if (key == nullptr) throw std::runtime_error("EC key generation failed");
  return common::jwt::KeyHandle(key, EVP_PKEY_free);
}

std::int64_t epoch(std::chrono::system_clock::time_point time) {
  return std::chrono::duration_cast<std::chrono::seconds>(time.time_since_epoch()).count();
}

}  // namespace

TestTokens::TestTokens() : key_(new_p256_key()) {}

auth::v1::GetJwksResponse TestTokens::jwks() const {
  auto jwk = common::jwt::public_jwk(key_.key().get());
  auth::v1::GetJwksResponse response;
  auto* key = response.add_keys();
  key->set_kty(jwk.at("kty"));
  key->set_crv(jwk.at("crv"));
  key->set_x(jwk.at("x"));
  key->set_y(jwk.at("y"));
  key->set_kid(jwk.at("kid"));
  key->set_alg(jwk.at("alg"));
  key->set_use(jwk.at("use"));
  return response;
}

nlohmann::json TestTokens::claims(const std::string& type, const std::string& jti, const std::string& family,
                                  std::chrono::seconds lifetime) const {
  auto now = std::chrono::system_clock::now();
  return {{"iss", "auth-service"},
          {"aud", "api"},
          {"sub", std::to_string(kUserId)},
          {"user_id", kUserId},
          {"token_type", type},
          {"jti", jti},
          {"fam", family},
          {"iat", epoch(now)},
          {"exp", epoch(now + lifetime)},
          {"username", "alice"},
          {"email", "alice@example.com"}};
}

}  // namespace gateway_test
