// The claim rules (iss, aud, token_type, required claims), malformed tokens, bearer parsing and
// the HS256 migration mode.
#include "unit/common/jwt/jwt_fixture.hpp"

#include <openssl/core_names.h>
#include <openssl/evp.h>

#include <algorithm>
#include <optional>
#include <vector>

namespace {

using namespace jwt_test;

// --- iss / aud / token_type / required claims -----------------------------------------------

TEST_F(JwtTest, WrongIssuerIsRefused) {
  auto claims = access_claims();
  claims["iss"] = "evil-service";
  expect_refused(signer_.sign(claims), "wrong issuer");
}

TEST_F(JwtTest, MissingIssuerIsRefused) {
  auto claims = access_claims();
  claims.erase("iss");
  expect_refused(signer_.sign(claims), "iss");
}

TEST_F(JwtTest, WrongAudienceIsRefused) {
  auto claims = access_claims();
  claims["aud"] = "other-api";
  expect_refused(signer_.sign(claims), "wrong audience");
}

TEST_F(JwtTest, MissingAudienceIsRefused) {
  auto claims = access_claims();
  claims.erase("aud");
  expect_refused(signer_.sign(claims), "wrong audience");
}

TEST_F(JwtTest, AudienceArrayContainingOurAudienceIsAccepted) {
  auto claims = access_claims();
  claims["aud"] = json::array({"other-api", "api"});
  EXPECT_NO_THROW(keys_.verify(signer_.sign(claims), rules(), kNow));
}

TEST_F(JwtTest, AudienceArrayWithoutOurAudienceIsRefused) {
  auto claims = access_claims();
  claims["aud"] = json::array({"other-api", "API", "api2"});
  expect_refused(signer_.sign(claims), "wrong audience");
  claims["aud"] = json::array();
  expect_refused(signer_.sign(claims), "wrong audience");
}

TEST_F(JwtTest, RefreshTokenIsRefusedWhereAccessIsRequired) {
  expect_refused(signer_.sign(refresh_claims()), "wrong token type", rules("access"));
}

TEST_F(JwtTest, AccessTokenIsRefusedWhereRefreshIsRequired) {
  expect_refused(signer_.sign(access_claims()), "wrong token type", rules("refresh"));
}

TEST_F(JwtTest, EmptyTokenTypeRuleAcceptsBothTypes) {
  EXPECT_EQ(keys_.verify(signer_.sign(access_claims()), rules(""), kNow).token_type, "access");
  EXPECT_EQ(keys_.verify(signer_.sign(refresh_claims()), rules(""), kNow).token_type, "refresh");
}

TEST_F(JwtTest, MissingTokenTypeIsRefusedEvenWhenAnyTypeIsAllowed) {
  auto claims = access_claims();
  claims.erase("token_type");
  expect_refused(signer_.sign(claims), "token_type", rules(""));
}

TEST_F(JwtTest, MissingJtiIsRefused) {
  auto claims = access_claims();
  claims.erase("jti");
  expect_refused(signer_.sign(claims), "missing jti");
}

TEST_F(JwtTest, MissingUserIdIsRefused) {
  auto claims = access_claims();
  claims.erase("user_id");
  expect_refused(signer_.sign(claims), "user_id");
}

TEST_F(JwtTest, NonIntegerUserIdIsRefused) {
  for (const json& value : {json("42"), json(42.5), json(nullptr), json(true), json::array({42})}) {
    auto claims = access_claims();
    claims["user_id"] = value;
    expect_refused(signer_.sign(claims), "user_id");
  }
}

// --- Malformed tokens -----------------------------------------------------------------------

TEST_F(JwtTest, WrongNumberOfSegmentsIsRefused) {
  std::string token = signer_.sign(access_claims());
  expect_refused("", "malformed token");
  expect_refused(segment(token, 0), "malformed token");
  expect_refused(segment(token, 0) + "." + segment(token, 1), "malformed token");
  expect_refused(token + "." + segment(token, 2), "malformed token");
  expect_refused(token + ".", "malformed token");
}

TEST_F(JwtTest, HeaderThatIsNotBase64UrlIsRefused) {
  std::string token = signer_.sign(access_claims());
  std::string rest = token.substr(token.find('.'));
  expect_refused("!!!" + rest, "header is not base64url");
  // Standard-alphabet base64 with padding is not base64url.
  expect_refused("eyJhbGciOiJFUzI1NiJ9=" + rest, "header is not base64url");
}

TEST_F(JwtTest, HeaderThatIsNotJsonObjectIsRefused) {
  std::string token = signer_.sign(access_claims());
  std::string rest = token.substr(token.find('.'));
  expect_refused(common::base64url_encode("not json") + rest, "header is not a JSON object");
  expect_refused(common::base64url_encode("[\"ES256\"]") + rest, "header is not a JSON object");
}

TEST_F(JwtTest, SignedPayloadThatIsNotJsonObjectIsRefused) {
  std::string input = common::base64url_encode(header().dump()) + "." + common::base64url_encode("42");
  std::string token = input + "." + common::base64url_encode(unit_jwt::es256_raw_signature(signer_.key().get(), input));
  expect_refused(token, "payload is not a JSON object");
}

// --- parse_bearer ---------------------------------------------------------------------------

TEST(JwtParseBearer, AcceptsBearerSchemeCaseInsensitively) {
  EXPECT_EQ(common::jwt::parse_bearer("Bearer x"), std::optional<std::string>("x"));
  EXPECT_EQ(common::jwt::parse_bearer("bearer x"), std::optional<std::string>("x"));
  EXPECT_EQ(common::jwt::parse_bearer("BEARER abc.def.ghi"), std::optional<std::string>("abc.def.ghi"));
}

TEST(JwtParseBearer, RefusesOtherSchemesAndMissingOrSplitTokens) {
  EXPECT_EQ(common::jwt::parse_bearer("Basic x"), std::nullopt);
  EXPECT_EQ(common::jwt::parse_bearer("Basic dXNlcjpwYXNz"), std::nullopt);
  EXPECT_EQ(common::jwt::parse_bearer("Bearer"), std::nullopt);
  EXPECT_EQ(common::jwt::parse_bearer("Bearer "), std::nullopt);
  EXPECT_EQ(common::jwt::parse_bearer("Bearer    "), std::nullopt);
  EXPECT_EQ(common::jwt::parse_bearer("Bearer a b"), std::nullopt);
  EXPECT_EQ(common::jwt::parse_bearer("Bearerx"), std::nullopt);
  EXPECT_EQ(common::jwt::parse_bearer(""), std::nullopt);
}

// --- HS256 migration mode (tokens a simplejwt deployment signed) ----------------------------

json simplejwt_claims() {
  return {{"token_type", "access"},
          {"exp", kNowSeconds + 300},
          {"iat", kNowSeconds},
          {"jti", "0123456789abcdef0123456789abcdef"},
          {"user_id", 42}};
}

std::string simplejwt_token(const std::string& secret, const json& claims) {
  std::string input = unit_jwt::signing_input({{"alg", "HS256"}, {"typ", "JWT"}}, claims);
  return input + "." + common::base64url_encode(unit_jwt::hs256(secret, input));
}

TEST_F(JwtTest, SimplejwtTokensAreAcceptedOnlyInMigrationModeWithTheirSecret) {
  std::string token = simplejwt_token("django-secret", simplejwt_claims());
  expect_refused(token, "algorithm not allowed");
  KeySet migrating = keys_;
  migrating.accept_legacy_hs256("django-secret");
  auto claims = migrating.verify(token, rules(), kNow);
  EXPECT_TRUE(claims.legacy);
  EXPECT_EQ(claims.user_id, 42);
  EXPECT_EQ(claims.family, "");
  // Our own tokens still need everything they always needed.
  EXPECT_FALSE(migrating.verify(signer_.sign(access_claims()), rules(), kNow).legacy);
  auto no_issuer = access_claims();
  no_issuer.erase("iss");
  EXPECT_THROW(migrating.verify(signer_.sign(no_issuer), rules(), kNow), TokenError);
}

TEST_F(JwtTest, MigrationModeStillRefusesWrongSecretsExpiryAndWrongTypes) {
  KeySet migrating = keys_;
  migrating.accept_legacy_hs256("django-secret");
  auto check = [&](const std::string& token, const VerifyRules& verify_rules, const std::string& reason) {
    try {
      migrating.verify(token, verify_rules, kNow);
      ADD_FAILURE() << "accepted; expected " << reason;
    } catch (const TokenError& e) {
      EXPECT_NE(std::string(e.what()).find(reason), std::string::npos) << e.what();
    }
  };
  check(simplejwt_token("another-secret", simplejwt_claims()), rules(), "bad signature");
  // The public key as the HMAC secret stays algorithm confusion, not a valid legacy token.
  check(simplejwt_token(unit_jwt::public_pem(signer_.key().get()), simplejwt_claims()), rules(), "bad signature");
  auto expired = simplejwt_claims();
  expired["exp"] = kNowSeconds - 60;
  check(simplejwt_token("django-secret", expired), rules(), "token expired");
  check(simplejwt_token("django-secret", simplejwt_claims()), rules("refresh"), "wrong token type");
  auto no_jti = simplejwt_claims();
  no_jti.erase("jti");
  check(simplejwt_token("django-secret", no_jti), rules(), "missing jti");
}

}  // namespace
