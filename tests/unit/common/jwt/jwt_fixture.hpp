// The trusted key, claims and rules the JWT tests share.
#pragma once

#include "common/core/base64url.hpp"
#include "common/jwt/jwt.hpp"
#include "unit/common/jwt/jwt_test_support.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

namespace jwt_test {

using common::jwt::Clock;
using common::jwt::KeyError;
using common::jwt::KeySet;
using common::jwt::SigningKey;
using common::jwt::TokenError;
using common::jwt::VerifyRules;
using nlohmann::json;

constexpr std::int64_t kNowSeconds = 1'800'000'000;
inline const Clock::time_point kNow{std::chrono::seconds(kNowSeconds)};

inline VerifyRules rules(std::string token_type = "access") {
  return {"auth-service", "api", std::chrono::seconds(30), std::move(token_type)};
}

inline json access_claims() {
  return {{"iss", "auth-service"},
          {"aud", "api"},
          {"sub", "42"},
          {"user_id", 42},
          {"token_type", "access"},
          {"jti", "0123456789abcdef0123456789abcdef"},
          {"iat", kNowSeconds},
          {"exp", kNowSeconds + 900},
          {"username", "alice"},
          {"email", "alice@example.com"}};
}

inline json refresh_claims() {
  json claims = access_claims();
  claims["token_type"] = "refresh";
  claims["jti"] = "fedcba9876543210fedcba9876543210";
  claims["fam"] = "family-1";
  return claims;
}

// One trusted signing key and a KeySet trusting it.
class JwtTest : public ::testing::Test {
 protected:
  JwtTest() : signer_(unit_jwt::generate_ec_key()) { keys_.add(signer_.key()); }

  json header() const { return {{"alg", "ES256"}, {"typ", "JWT"}, {"kid", signer_.kid()}}; }

  // Signed by the trusted key with whatever header is given.
  std::string token_with_header(const json& hdr, const json& payload) const {
    return unit_jwt::es256_token(signer_.key().get(), hdr, payload);
  }

  void expect_refused(const std::string& token, const std::string& reason, const VerifyRules& verify_rules = rules(),
                      Clock::time_point now = kNow) const {
    try {
      keys_.verify(token, verify_rules, now);
      auto hdr = common::base64url_decode(token.substr(0, token.find('.')));
      ADD_FAILURE() << "token was accepted; expected refusal: " << reason << "\n  header: " << hdr.value_or("?")
                    << "\n  token: " << token;
    } catch (const TokenError& e) {
      EXPECT_NE(std::string(e.what()).find(reason), std::string::npos)
          << "refused for \"" << e.what() << "\", expected \"" << reason << "\"";
    }
  }

  SigningKey signer_;
  KeySet keys_;
};

inline std::string segment(const std::string& token, int index) {
  std::size_t start = 0;
  for (int i = 0; i < index; ++i) start = token.find('.', start) + 1;
  return token.substr(start, token.find('.', start) - start);
}

}  // namespace jwt_test
