#include "tests/gateway/test_tokens.hpp"

#include "common/access/auth_client.hpp"
#include "common/core/epoch.hpp"
#include "tests/unit/common/jwt/jwt_test_support.hpp"

namespace gateway_test {

TestTokens::TestTokens() : key_(unit_jwt::generate_ec_key()) {}

auth::v1::GetJwksResponse TestTokens::jwks() const {
  auth::v1::GetJwksResponse response;
  *response.add_keys() = common::jwk_message(common::jwt::public_jwk(key_.key().get()));
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
          {"iat", common::epoch_seconds(now)},
          {"exp", common::epoch_seconds(now + lifetime)},
          {"username", "alice"},
          {"email", "alice@example.com"}};
}

}  // namespace gateway_test
