// The auth service's side of tokens for the in-process gateway tests: a fresh ES256 key, its
// JWKS (what the fake GetJwks serves) and tokens signed with it, claims as auth issues them.
#pragma once

#include "auth/v1/auth.pb.h"
#include "common/jwt/jwt.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <string>

namespace gateway_test {

class TestTokens final {
 public:
  TestTokens();

  auth::v1::GetJwksResponse jwks() const;

  // The claims auth puts in a token of `type` ("access" or "refresh") for user 7 "alice".
  nlohmann::json claims(const std::string& type, const std::string& jti = "jti-1", const std::string& family = "fam-1",
                        std::chrono::seconds lifetime = std::chrono::minutes(15)) const;
  std::string sign(const nlohmann::json& claims) const { return key_.sign(claims); }
  std::string access() const { return sign(claims("access")); }
  std::string refresh() const { return sign(claims("refresh", "jti-r", "fam-1", std::chrono::hours(24))); }

  static constexpr std::int64_t kUserId = 7;

 private:
  common::jwt::SigningKey key_;
};

}  // namespace gateway_test
