#include "auth/tokens/token_issuer.hpp"
#include "common/jwt/jwt.hpp"
#include "unit/common/jwt/jwt_test_support.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

namespace {

using common::jwt::Clock;
using common::jwt::TokenError;

constexpr std::int64_t kNowSeconds = 1'800'000'000;
// A non-whole second: exp must be counted from the truncated second, like iat.
const Clock::time_point kNow = Clock::time_point(std::chrono::seconds(kNowSeconds)) + std::chrono::milliseconds(750);

auth::UserRecord alice() {
  auth::UserRecord user;
  user.id = 42;
  user.username = "alice";
  user.email = "alice@example.com";
  return user;
}

std::int64_t epoch(Clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

class TokenIssuerTest : public ::testing::Test {
 protected:
  TokenIssuerTest() : key_(unit_jwt::generate_ec_key()), issuer_(key_, settings()) { trusted_.add(key_.key()); }

  static auth::TokenSettings settings() {
    auth::TokenSettings s;
    s.issuer = "auth-test";
    s.audience = "api-test";
    s.access_ttl = std::chrono::seconds(300);
    s.refresh_ttl = std::chrono::seconds(7200);
    return s;
  }

  // Verifies at the issuing instant, with the issuer's own rules.
  common::jwt::Claims verify_at_issue(const std::string& token, const std::string& type) const {
    return trusted_.verify(token, {"auth-test", "api-test", std::chrono::seconds(30), type}, kNow);
  }

  common::jwt::SigningKey key_;
  auth::TokenIssuer issuer_;
  common::jwt::KeySet trusted_;
};

TEST_F(TokenIssuerTest, IssuesAnAccessAndARefreshTokenWithTheirTypes) {
  auto pair = issuer_.issue(alice(), "", kNow);
  auto access = verify_at_issue(pair.access.token, "access");
  auto refresh = verify_at_issue(pair.refresh.token, "refresh");
  EXPECT_EQ(access.token_type, "access");
  EXPECT_EQ(refresh.token_type, "refresh");
  for (const auto* claims : {&access, &refresh}) {
    EXPECT_EQ(claims->user_id, 42);
    EXPECT_EQ(claims->username, "alice");
    EXPECT_EQ(claims->email, "alice@example.com");
    EXPECT_EQ(claims->payload["sub"], "42");
    EXPECT_EQ(claims->payload["iss"], "auth-test");
    EXPECT_EQ(claims->payload["aud"], "api-test");
    EXPECT_EQ(claims->payload["iat"], kNowSeconds);
  }
}

TEST_F(TokenIssuerTest, AccessAndRefreshHaveDistinctJtisMatchingTheReturnedOnes) {
  auto pair = issuer_.issue(alice(), "", kNow);
  EXPECT_NE(pair.access.jti, pair.refresh.jti);
  EXPECT_EQ(verify_at_issue(pair.access.token, "access").jti, pair.access.jti);
  EXPECT_EQ(verify_at_issue(pair.refresh.token, "refresh").jti, pair.refresh.jti);
  auto again = issuer_.issue(alice(), "", kNow);
  EXPECT_NE(again.access.jti, pair.access.jti);
  EXPECT_NE(again.refresh.jti, pair.refresh.jti);
}

TEST_F(TokenIssuerTest, ExpiryIsNowPlusEachTokensTtl) {
  auto pair = issuer_.issue(alice(), "", kNow);
  const auto whole_now = Clock::time_point(std::chrono::seconds(kNowSeconds));
  EXPECT_EQ(pair.access.expires_at, whole_now + std::chrono::seconds(300));
  EXPECT_EQ(pair.refresh.expires_at, whole_now + std::chrono::seconds(7200));
  EXPECT_EQ(verify_at_issue(pair.access.token, "access").payload["exp"], kNowSeconds + 300);
  EXPECT_EQ(verify_at_issue(pair.refresh.token, "refresh").payload["exp"], kNowSeconds + 7200);
  EXPECT_EQ(epoch(verify_at_issue(pair.access.token, "access").expires_at), kNowSeconds + 300);
}

TEST_F(TokenIssuerTest, RefreshKeepsTheFamilyItIsGiven) {
  auto pair = issuer_.issue(alice(), "family-from-previous-refresh", kNow);
  EXPECT_EQ(verify_at_issue(pair.refresh.token, "refresh").family, "family-from-previous-refresh");
}

TEST_F(TokenIssuerTest, NewLoginStartsANewRandomFamily) {
  auto first = verify_at_issue(issuer_.issue(alice(), "", kNow).refresh.token, "refresh").family;
  auto second = verify_at_issue(issuer_.issue(alice(), "", kNow).refresh.token, "refresh").family;
  EXPECT_EQ(first.size(), 32u);
  EXPECT_EQ(first.find_first_not_of("0123456789abcdef"), std::string::npos) << first;
  EXPECT_NE(first, second);
}

TEST_F(TokenIssuerTest, BothTokensOfAPairCarryTheFamily) {
  // Revoking a family (logout, reuse) must reach the access tokens issued with it.
  auto pair = issuer_.issue(alice(), "fam-1", kNow);
  EXPECT_EQ(pair.family, "fam-1");
  EXPECT_EQ(verify_at_issue(pair.access.token, "access").family, "fam-1");
  EXPECT_EQ(verify_at_issue(pair.refresh.token, "refresh").family, "fam-1");
}

TEST_F(TokenIssuerTest, VerifyForAccessRefusesTheRefreshToken) {
  auto pair = issuer_.issue(alice());  // now: TokenIssuer::verify checks against the real clock
  EXPECT_EQ(issuer_.verify(pair.access.token, "access").user_id, 42);
  EXPECT_THROW(issuer_.verify(pair.refresh.token, "access"), TokenError);
  EXPECT_THROW(issuer_.verify(pair.access.token, "refresh"), TokenError);
  EXPECT_EQ(issuer_.verify(pair.refresh.token, "").token_type, "refresh");
}

TEST_F(TokenIssuerTest, VerifyRefusesTokensOfAnotherIssuerKey) {
  auth::TokenIssuer other(common::jwt::SigningKey(unit_jwt::generate_ec_key()), settings());
  auto pair = other.issue(alice());
  EXPECT_THROW(issuer_.verify(pair.access.token, "access"), TokenError);
}

TEST_F(TokenIssuerTest, VerifyRefusesAnExpiredToken) {
  auto long_ago = Clock::now() - std::chrono::hours(24);
  auto pair = issuer_.issue(alice(), "", long_ago);
  EXPECT_THROW(issuer_.verify(pair.access.token, "access"), TokenError);
  EXPECT_THROW(issuer_.verify(pair.refresh.token, "refresh"), TokenError);
}

TEST(RandomTokenId, Is32LowercaseHexCharactersAndUnique) {
  auto a = auth::random_token_id();
  auto b = auth::random_token_id();
  EXPECT_EQ(a.size(), 32u);
  EXPECT_EQ(a.find_first_not_of("0123456789abcdef"), std::string::npos) << a;
  EXPECT_NE(a, b);
}

}  // namespace
