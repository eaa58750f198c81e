#include "common/core/base64url.hpp"
#include "common/jwt/jwt.hpp"
#include "unit/common/jwt/jwt_test_support.hpp"

#include <gtest/gtest.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>

#include <algorithm>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace {

using common::jwt::Clock;
using common::jwt::KeyError;
using common::jwt::KeySet;
using common::jwt::SigningKey;
using common::jwt::TokenError;
using common::jwt::VerifyRules;
using nlohmann::json;

constexpr std::int64_t kNowSeconds = 1'800'000'000;
const Clock::time_point kNow{std::chrono::seconds(kNowSeconds)};

VerifyRules rules(std::string token_type = "access") {
  return {"auth-service", "api", std::chrono::seconds(30), std::move(token_type)};
}

json access_claims() {
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

json refresh_claims() {
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

  void expect_refused(const std::string& token, const std::string& reason,
                      const VerifyRules& verify_rules = rules(), Clock::time_point now = kNow) const {
    try {
      keys_.verify(token, verify_rules, now);
      auto hdr = common::base64url_decode(token.substr(0, token.find('.')));
      ADD_FAILURE() << "token was accepted; expected refusal: " << reason
                    << "\n  header: " << hdr.value_or("?") << "\n  token: " << token;
    } catch (const TokenError& e) {
      EXPECT_NE(std::string(e.what()).find(reason), std::string::npos)
          << "refused for \"" << e.what() << "\", expected \"" << reason << "\"";
    }
  }

  SigningKey signer_;
  KeySet keys_;
};

std::string segment(const std::string& token, int index) {
  std::size_t start = 0;
  for (int i = 0; i < index; ++i) start = token.find('.', start) + 1;
  return token.substr(start, token.find('.', start) - start);
}

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
  std::string tampered = segment(token, 0) + "." + common::base64url_encode(forged.dump()) + "." +
                         segment(token, 2);
  expect_refused(tampered, "bad signature");
}

TEST_F(JwtTest, TamperedHeaderIsRefused) {
  std::string token = signer_.sign(access_claims());
  auto hdr = header();
  hdr["typ"] = "at+jwt";
  std::string tampered = common::base64url_encode(hdr.dump()) + "." + segment(token, 1) + "." +
                         segment(token, 2);
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
  expect_refused(token_with_header({{"typ", "JWT"}, {"kid", signer_.kid()}}, access_claims()),
                 "algorithm not allowed");
  expect_refused(token_with_header({{"alg", json::array({"ES256"})}, {"kid", signer_.kid()}},
                                   access_claims()),
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
  std::string token =
      input + "." + common::base64url_encode(unit_jwt::es256_raw_signature(signer_.key().get(), input));
  expect_refused(token, "payload is not a JSON object");
}

// --- Keys: rotation, thumbprints, loading ---------------------------------------------------

TEST(JwtKeySet, TwoKeysVerifyTokensFromBoth) {
  SigningKey old_key(unit_jwt::generate_ec_key());
  SigningKey new_key(unit_jwt::generate_ec_key());
  ASSERT_NE(old_key.kid(), new_key.kid());
  KeySet keys;
  keys.add(common::jwt::load_ec_key_pem(unit_jwt::public_pem(old_key.key().get())));
  keys.add(common::jwt::load_ec_key_pem(unit_jwt::public_pem(new_key.key().get())));
  auto kids = keys.kids();
  EXPECT_EQ(kids.size(), 2u);
  EXPECT_NE(std::find(kids.begin(), kids.end(), old_key.kid()), kids.end());
  EXPECT_NE(std::find(kids.begin(), kids.end(), new_key.kid()), kids.end());

  auto claims = access_claims();
  EXPECT_EQ(keys.verify(old_key.sign(claims), rules(), kNow).user_id, 42);
  EXPECT_EQ(keys.verify(new_key.sign(claims), rules(), kNow).user_id, 42);

  KeySet only_new;
  only_new.add(new_key.key());
  EXPECT_THROW(only_new.verify(old_key.sign(claims), rules(), kNow), TokenError);
}

// RFC 7638 thumbprint computed here from the raw public point, independently of jwt.cpp.
std::string independent_thumbprint(EVP_PKEY* key) {
  unsigned char point[65];
  std::size_t length = 0;
  if (EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_PUB_KEY, point, sizeof point, &length) != 1 ||
      length != 65 || point[0] != 0x04) {
    ADD_FAILURE() << "cannot read uncompressed public point";
    return {};
  }
  std::string x(reinterpret_cast<char*>(point + 1), 32);
  std::string y(reinterpret_cast<char*>(point + 33), 32);
  std::string canonical = "{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"" + common::base64url_encode(x) +
                          "\",\"y\":\"" + common::base64url_encode(y) + "\"}";
  unsigned char digest[32];
  unsigned int digest_length = 0;
  EVP_Digest(canonical.data(), canonical.size(), digest, &digest_length, EVP_sha256(), nullptr);
  return common::base64url_encode(std::string(reinterpret_cast<char*>(digest), digest_length));
}

TEST(JwtKeys, KidIsTheRfc7638ThumbprintAndStableAcrossPrivateAndPublicPem) {
  auto generated = unit_jwt::generate_ec_key();
  auto from_private = common::jwt::load_ec_key_pem(unit_jwt::private_pem(generated.get()));
  auto from_public = common::jwt::load_ec_key_pem(unit_jwt::public_pem(generated.get()));
  std::string expected = independent_thumbprint(generated.get());
  EXPECT_EQ(expected.size(), 43u);  // SHA-256, base64url without padding
  EXPECT_EQ(common::jwt::key_thumbprint(from_private.get()), expected);
  EXPECT_EQ(common::jwt::key_thumbprint(from_public.get()), expected);
  EXPECT_EQ(SigningKey(from_private).kid(), expected);

  KeySet keys;
  keys.add(from_public);
  EXPECT_EQ(keys.kids(), std::vector<std::string>{expected});
}

// The ES256 key of RFC 7515 Appendix A.3, as a SEC1 PEM.
constexpr const char* kRfc7515A3Pem =
    "-----BEGIN EC PRIVATE KEY-----\n"
    "MHcCAQEEII6bEJ5xkJi/mASH3x9dd+nDHEagyW7DD+0/aUiN26T9oAoGCCqGSM49\n"
    "AwEHoUQDQgAEf83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEXH8UTNG72b\n"
    "focs3+257rn0s2ldbqkLJK2KRiMohYjlrQ==\n"
    "-----END EC PRIVATE KEY-----\n";

TEST(JwtKeys, ThumbprintAndJwkOfAKnownKeyMatchFixedValues) {
  auto key = common::jwt::load_ec_key_pem(kRfc7515A3Pem);
  // SHA-256 of {"crv":"P-256","kty":"EC","x":"f83O...","y":"x_FE..."}, computed outside this code.
  EXPECT_EQ(common::jwt::key_thumbprint(key.get()), "oKIywvGUpTVTyxMQ3bwIIeQUudfr_CkLMjCE19ECD-U");
  auto jwk = common::jwt::public_jwk(key.get());
  EXPECT_EQ(jwk, (json{{"kty", "EC"},
                       {"crv", "P-256"},
                       {"x", "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU"},
                       {"y", "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"},
                       {"kid", "oKIywvGUpTVTyxMQ3bwIIeQUudfr_CkLMjCE19ECD-U"},
                       {"alg", "ES256"},
                       {"use", "sig"}}));
  EXPECT_FALSE(jwk.contains("d"));  // never publish the private scalar
}

TEST(JwtKeys, SigningKeyRefusesAPublicOnlyKey) {
  auto generated = unit_jwt::generate_ec_key();
  auto public_only = common::jwt::load_ec_key_pem(unit_jwt::public_pem(generated.get()));
  EXPECT_THROW(SigningKey{public_only}, KeyError);
}

TEST(JwtKeys, SigningKeyRefusesANonP256Key) {
  EXPECT_THROW(SigningKey{unit_jwt::generate_ec_key("P-384")}, KeyError);
}

TEST(JwtKeys, LoadRefusesP384Key) {
  auto p384 = unit_jwt::generate_ec_key("P-384");
  EXPECT_THROW(common::jwt::load_ec_key_pem(unit_jwt::private_pem(p384.get())), KeyError);
  EXPECT_THROW(common::jwt::load_ec_key_pem(unit_jwt::public_pem(p384.get())), KeyError);
}

TEST(JwtKeys, LoadRefusesNonEcKey) {
  auto ed25519 = unit_jwt::generate_ed25519_key();
  EXPECT_THROW(common::jwt::load_ec_key_pem(unit_jwt::private_pem(ed25519.get())), KeyError);
}

TEST(JwtKeys, LoadRefusesGarbage) {
  EXPECT_THROW(common::jwt::load_ec_key_pem(""), KeyError);
  EXPECT_THROW(common::jwt::load_ec_key_pem("not a key"), KeyError);
  EXPECT_THROW(common::jwt::load_ec_key_pem("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"),
               KeyError);
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

}  // namespace

// --- HS256 migration mode (tokens a simplejwt deployment signed) ----------------------------

namespace {

json simplejwt_claims() {
  return {{"token_type", "access"}, {"exp", kNowSeconds + 300}, {"iat", kNowSeconds},
          {"jti", "0123456789abcdef0123456789abcdef"}, {"user_id", 42}};
}

std::string simplejwt_token(const std::string& secret, const json& claims) {
  std::string input = unit_jwt::signing_input({{"alg", "HS256"}, {"typ", "JWT"}}, claims);
  return input + "." + common::base64url_encode(unit_jwt::hs256(secret, input));
}

}  // namespace

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

// --- JWK import ------------------------------------------------------------------------------

TEST_F(JwtTest, APublicJwkRoundTripsIntoAKeyThatVerifies) {
  auto jwk = common::jwt::public_jwk(signer_.key().get());
  KeySet from_jwk;
  from_jwk.add(common::jwt::key_from_jwk(jwk));
  EXPECT_TRUE(from_jwk.contains(signer_.kid()));
  EXPECT_EQ(from_jwk.verify(signer_.sign(access_claims()), rules(), kNow).user_id, 42);
}

TEST_F(JwtTest, JwksOffTheCurveOrOfAnotherTypeAreRefused) {
  auto jwk = common::jwt::public_jwk(signer_.key().get());
  auto off_curve = jwk;
  auto y = common::base64url_decode(jwk["y"].get<std::string>()).value();
  y[31] = static_cast<char>(y[31] ^ 1);
  off_curve["y"] = common::base64url_encode(y);
  EXPECT_THROW(common::jwt::key_from_jwk(off_curve), common::jwt::KeyError);
  auto rsa = jwk;
  rsa["kty"] = "RSA";
  EXPECT_THROW(common::jwt::key_from_jwk(rsa), common::jwt::KeyError);
  auto short_x = jwk;
  short_x["x"] = "AAAA";
  EXPECT_THROW(common::jwt::key_from_jwk(short_x), common::jwt::KeyError);
}
