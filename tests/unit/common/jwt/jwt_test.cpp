// ES256 tokens: signing, expiry, tampering, algorithms and kids.
#include "unit/common/jwt/jwt_fixture.hpp"

#include <openssl/core_names.h>
#include <openssl/evp.h>

#include <algorithm>
#include <optional>
#include <vector>

namespace {

using namespace jwt_test;

// --- The happy path -------------------------------------------------------------------------

TEST_F(JwtTest, SignedAccessTokenVerifiesAndYieldsItsClaims) {
  auto claims = keys_.verify(signer_.sign(access_claims()), rules(), kNow);
  EXPECT_EQ(claims.user_id, 42);
  EXPECT_EQ(claims.jti, "0123456789abcdef0123456789abcdef");
  EXPECT_EQ(claims.token_type, "access");
  EXPECT_EQ(claims.username, "alice");
  EXPECT_EQ(claims.email, "alice@example.com");
  EXPECT_EQ(claims.family, "");
  EXPECT_EQ(claims.expires_at, kNow + std::chrono::seconds(900));
  EXPECT_EQ(claims.issued_at, kNow);
  EXPECT_EQ(claims.payload["sub"], "42");
}

TEST_F(JwtTest, RefreshTokenYieldsItsFamily) {
  auto claims = keys_.verify(signer_.sign(refresh_claims()), rules("refresh"), kNow);
  EXPECT_EQ(claims.token_type, "refresh");
  EXPECT_EQ(claims.family, "family-1");
  EXPECT_EQ(claims.jti, "fedcba9876543210fedcba9876543210");
}

TEST_F(JwtTest, SignProducesCompactJwsWithPinnedHeaderAndRawSignature) {
  std::string token = signer_.sign(access_claims());
  auto hdr = json::parse(*common::base64url_decode(segment(token, 0)));
  EXPECT_EQ(hdr, header());
  EXPECT_EQ(json::parse(*common::base64url_decode(segment(token, 1))), access_claims());
  // JWS ES256 signatures are r||s (64 bytes), not DER; check with an independent verifier.
  auto signature = common::base64url_decode(segment(token, 2));
  ASSERT_TRUE(signature);
  EXPECT_EQ(signature->size(), 64u);
  std::string input = token.substr(0, token.rfind('.'));
  EXPECT_TRUE(unit_jwt::es256_verify_raw(signer_.key().get(), input, *signature));
}

TEST_F(JwtTest, TokenSignedByIndependentEs256ImplementationVerifies) {
  auto claims = keys_.verify(token_with_header(header(), access_claims()), rules(), kNow);
  EXPECT_EQ(claims.user_id, 42);
}

// --- exp / nbf ------------------------------------------------------------------------------

TEST_F(JwtTest, ExpiredTokenIsRefusedOnceLeewayHasPassed) {
  std::string token = signer_.sign(access_claims());
  auto exp = kNow + std::chrono::seconds(900);
  expect_refused(token, "expired", rules(), exp + std::chrono::seconds(31));
  expect_refused(token, "expired", rules(), exp + std::chrono::hours(24));
}

TEST_F(JwtTest, ExpiredTokenIsAcceptedWithinLeeway) {
  std::string token = signer_.sign(access_claims());
  auto exp = kNow + std::chrono::seconds(900);
  EXPECT_NO_THROW(keys_.verify(token, rules(), exp + std::chrono::seconds(1)));
  EXPECT_NO_THROW(keys_.verify(token, rules(), exp + std::chrono::seconds(29)));
}

TEST_F(JwtTest, ExpiredTokenIsRefusedWithZeroLeewayOneSecondAfterExp) {
  auto zero_leeway = rules();
  zero_leeway.leeway = std::chrono::seconds(0);
  std::string token = signer_.sign(access_claims());
  expect_refused(token, "expired", zero_leeway, kNow + std::chrono::seconds(901));
  EXPECT_NO_THROW(keys_.verify(token, zero_leeway, kNow + std::chrono::seconds(899)));
}

// RFC 7519 §4.1.4: exp is the time "on or after which the JWT MUST NOT be accepted".
TEST_F(JwtTest, TokenIsRefusedAtTheExactExpiryInstantWithZeroLeeway) {
  auto zero_leeway = rules();
  zero_leeway.leeway = std::chrono::seconds(0);
  expect_refused(signer_.sign(access_claims()), "expired", zero_leeway, kNow + std::chrono::seconds(900));
}

TEST_F(JwtTest, NotBeforeInTheFutureIsRefused) {
  auto claims = access_claims();
  claims["nbf"] = kNowSeconds + 60;
  expect_refused(signer_.sign(claims), "not yet valid");
}

TEST_F(JwtTest, NotBeforeWithinLeewayIsAccepted) {
  auto claims = access_claims();
  claims["nbf"] = kNowSeconds + 30;
  EXPECT_NO_THROW(keys_.verify(signer_.sign(claims), rules(), kNow));
  claims["nbf"] = kNowSeconds - 600;
  EXPECT_NO_THROW(keys_.verify(signer_.sign(claims), rules(), kNow));
}

TEST_F(JwtTest, MissingExpIsRefused) {
  auto claims = access_claims();
  claims.erase("exp");
  expect_refused(signer_.sign(claims), "missing exp");
}

TEST_F(JwtTest, NonNumericExpIsRefused) {
  auto claims = access_claims();
  claims["exp"] = std::to_string(kNowSeconds + 900);
  expect_refused(signer_.sign(claims), "exp is not a valid date");
}

// --- Integrity ------------------------------------------------------------------------------

TEST_F(JwtTest, TamperedPayloadIsRefused) {
  std::string token = signer_.sign(access_claims());
  auto forged = access_claims();
  forged["user_id"] = 1;  // privilege escalation attempt, keeping the original signature
  std::string tampered = segment(token, 0) + "." + common::base64url_encode(forged.dump()) + "." + segment(token, 2);
  expect_refused(tampered, "bad signature");
}

TEST_F(JwtTest, TamperedHeaderIsRefused) {
  std::string token = signer_.sign(access_claims());
  auto hdr = header();
  hdr["typ"] = "at+jwt";
  std::string tampered = common::base64url_encode(hdr.dump()) + "." + segment(token, 1) + "." + segment(token, 2);
  expect_refused(tampered, "bad signature");
}

TEST_F(JwtTest, TamperedSignatureIsRefused) {
  std::string token = signer_.sign(access_claims());
  auto signature = *common::base64url_decode(segment(token, 2));
  signature[10] = static_cast<char>(signature[10] ^ 0x01);
  std::string tampered = token.substr(0, token.rfind('.') + 1) + common::base64url_encode(signature);
  expect_refused(tampered, "bad signature");
}

TEST_F(JwtTest, SignatureOfWrongLengthIsRefused) {
  std::string token = signer_.sign(access_claims());
  std::string prefix = token.substr(0, token.rfind('.') + 1);
  expect_refused(prefix, "malformed signature");
  expect_refused(prefix + common::base64url_encode(std::string(63, '\x01')), "malformed signature");
  expect_refused(prefix + common::base64url_encode(std::string(72, '\x01')), "malformed signature");
}

TEST_F(JwtTest, AllZeroSignatureIsRefused) {
  std::string token = signer_.sign(access_claims());
  std::string prefix = token.substr(0, token.rfind('.') + 1);
  expect_refused(prefix + common::base64url_encode(std::string(64, '\0')), "signature");
}

TEST_F(JwtTest, TokenSignedByAnotherKeyWithTrustedKidIsRefused) {
  auto attacker = unit_jwt::generate_ec_key();
  expect_refused(unit_jwt::es256_token(attacker.get(), header(), access_claims()), "bad signature");
}

// --- Algorithm pinning (RFC 8725 §3.1) ------------------------------------------------------

TEST_F(JwtTest, AlgNoneWithEmptySignatureIsRefused) {
  json hdr = {{"alg", "none"}, {"typ", "JWT"}, {"kid", signer_.kid()}};
  expect_refused(unit_jwt::signing_input(hdr, access_claims()) + ".", "algorithm not allowed");
}

TEST_F(JwtTest, AlgNoneWithValidSignatureIsRefused) {
  // Even a signature the trusted key really made must not rescue a header that says "none".
  json hdr = {{"alg", "none"}, {"typ", "JWT"}, {"kid", signer_.kid()}};
  expect_refused(token_with_header(hdr, access_claims()), "algorithm not allowed");
}

TEST_F(JwtTest, AlgNoneSpelledDifferentlyIsRefused) {
  for (const char* alg : {"None", "NONE", "nOnE"}) {
    json hdr = {{"alg", alg}, {"typ", "JWT"}, {"kid", signer_.kid()}};
    expect_refused(unit_jwt::signing_input(hdr, access_claims()) + ".", "algorithm not allowed");
  }
}

TEST_F(JwtTest, Hs256WithPublicKeyPemAsSecretIsRefused) {
  // Algorithm confusion: the attacker knows the public key and uses it as an HMAC secret.
  json hdr = {{"alg", "HS256"}, {"typ", "JWT"}, {"kid", signer_.kid()}};
  std::string input = unit_jwt::signing_input(hdr, access_claims());
  std::string pem = unit_jwt::public_pem(signer_.key().get());
  std::string token = input + "." + common::base64url_encode(unit_jwt::hs256(pem, input));
  expect_refused(token, "algorithm not allowed");
}

TEST_F(JwtTest, OtherAsymmetricAlgorithmsAreRefusedEvenWithAValidEs256Signature) {
  for (const char* alg : {"ES384", "ES512", "RS256", "PS256", "EdDSA", "es256"}) {
    json hdr = {{"alg", alg}, {"typ", "JWT"}, {"kid", signer_.kid()}};
    expect_refused(token_with_header(hdr, access_claims()), "algorithm not allowed");
  }
}

TEST_F(JwtTest, MissingOrNonStringAlgIsRefused) {
  expect_refused(token_with_header({{"typ", "JWT"}, {"kid", signer_.kid()}}, access_claims()), "algorithm not allowed");
  expect_refused(token_with_header({{"alg", json::array({"ES256"})}, {"kid", signer_.kid()}}, access_claims()),
                 "algorithm not allowed");
}

// --- kid ------------------------------------------------------------------------------------

TEST_F(JwtTest, UnknownKidIsRefused) {
  json hdr = {{"alg", "ES256"}, {"typ", "JWT"}, {"kid", "not-a-known-kid"}};
  expect_refused(token_with_header(hdr, access_claims()), "unknown kid");
}

TEST_F(JwtTest, MissingKidIsRefused) {
  json hdr = {{"alg", "ES256"}, {"typ", "JWT"}};
  expect_refused(token_with_header(hdr, access_claims()), "missing kid");
}

TEST_F(JwtTest, NonStringKidIsRefused) {
  json hdr = {{"alg", "ES256"}, {"typ", "JWT"}, {"kid", 7}};
  expect_refused(token_with_header(hdr, access_claims()), "missing kid");
}

TEST_F(JwtTest, EmptyKeySetRefusesEveryToken) {
  KeySet empty;
  EXPECT_TRUE(empty.empty());
  EXPECT_THROW(empty.verify(signer_.sign(access_claims()), rules(), kNow), TokenError);
}

}  // namespace
