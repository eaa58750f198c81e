// Keys: rotation, thumbprints, loading, JWK import.
#include "unit/common/jwt/jwt_fixture.hpp"

#include <openssl/core_names.h>
#include <openssl/evp.h>

#include <algorithm>
#include <optional>
#include <vector>

namespace {

using namespace jwt_test;

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
  std::string canonical = "{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"" + common::base64url_encode(x) + "\",\"y\":\"" +
                          common::base64url_encode(y) + "\"}";
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

TEST(JwtKeys, SigningKeyRefusesANonP256Key) { EXPECT_THROW(SigningKey{unit_jwt::generate_ec_key("P-384")}, KeyError); }

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
  EXPECT_THROW(common::jwt::load_ec_key_pem("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"), KeyError);
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

}  // namespace
