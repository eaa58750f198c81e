#include "common/jwt/keys.hpp"

#include "common/core/base64url.hpp"

#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>

#include <fstream>
#include <sstream>

namespace common::jwt {
namespace {

using BioPtr = std::unique_ptr<BIO, decltype(&BIO_free)>;
using BnPtr = std::unique_ptr<BIGNUM, decltype(&BN_free)>;

std::string sha256(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(data.data(), data.size(), digest, &length, EVP_sha256(), nullptr);
  return std::string(reinterpret_cast<char*>(digest), length);
}

std::string coordinate(EVP_PKEY* key, const char* param) {
  BIGNUM* raw = nullptr;
  if (EVP_PKEY_get_bn_param(key, param, &raw) != 1) throw KeyError("cannot read EC public key");
  BnPtr bn(raw, BN_free);
  std::string out(kCoordinateBytes, '\0');
  BN_bn2binpad(bn.get(), reinterpret_cast<unsigned char*>(out.data()), kCoordinateBytes);
  return out;
}

}  // namespace

void require_p256(EVP_PKEY* key) {
  char group[64] = {0};
  std::size_t length = 0;
  if (!EVP_PKEY_is_a(key, "EC") || EVP_PKEY_get_group_name(key, group, sizeof group, &length) != 1 ||
      std::string_view(group) != "prime256v1") {
    throw KeyError("signing keys must be EC P-256 (ES256)");
  }
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw KeyError("cannot read key file " + path);
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

KeyHandle load_ec_key_pem(std::string_view pem) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), BIO_free);
  EVP_PKEY* key = PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr);
  if (key == nullptr) {
    BioPtr again(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), BIO_free);
    key = PEM_read_bio_PUBKEY(again.get(), nullptr, nullptr, nullptr);
  }
  if (key == nullptr) throw KeyError("not a PEM EC key");
  KeyHandle handle(key, EVP_PKEY_free);
  require_p256(key);
  return handle;
}

std::string key_thumbprint(EVP_PKEY* key) {
  // RFC 7638: the required members in lexicographic order, no whitespace.
  std::string canonical = R"({"crv":"P-256","kty":"EC","x":")" +
                          base64url_encode(coordinate(key, OSSL_PKEY_PARAM_EC_PUB_X)) + R"(","y":")" +
                          base64url_encode(coordinate(key, OSSL_PKEY_PARAM_EC_PUB_Y)) + R"("})";
  return base64url_encode(sha256(canonical));
}

nlohmann::json public_jwk(EVP_PKEY* key) {
  return {{"kty", "EC"},
          {"crv", "P-256"},
          {"x", base64url_encode(coordinate(key, OSSL_PKEY_PARAM_EC_PUB_X))},
          {"y", base64url_encode(coordinate(key, OSSL_PKEY_PARAM_EC_PUB_Y))},
          {"kid", key_thumbprint(key)},
          {"alg", "ES256"},
          {"use", "sig"}};
}

KeyHandle key_from_jwk(const nlohmann::json& jwk) {
  if (!jwk.is_object() || jwk.value("kty", "") != "EC" || jwk.value("crv", "") != "P-256") {
    throw KeyError("JWK is not an EC P-256 key");
  }
  auto x = base64url_decode(jwk.value("x", ""));
  auto y = base64url_decode(jwk.value("y", ""));
  if (!x || !y || x->size() != kCoordinateBytes || y->size() != kCoordinateBytes) {
    throw KeyError("JWK coordinates are not 32-byte base64url values");
  }
  std::string point = "\x04" + *x + *y;  // SEC 1 uncompressed point
  using ParamBld = std::unique_ptr<OSSL_PARAM_BLD, decltype(&OSSL_PARAM_BLD_free)>;
  using Params = std::unique_ptr<OSSL_PARAM, decltype(&OSSL_PARAM_free)>;
  using PkeyCtx = std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)>;
  ParamBld build(OSSL_PARAM_BLD_new(), OSSL_PARAM_BLD_free);
  if (!build || OSSL_PARAM_BLD_push_utf8_string(build.get(), OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) != 1 ||
      OSSL_PARAM_BLD_push_octet_string(build.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size()) != 1) {
    throw KeyError("cannot build EC key parameters");
  }
  Params params(OSSL_PARAM_BLD_to_param(build.get()), OSSL_PARAM_free);
  PkeyCtx ctx(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr), EVP_PKEY_CTX_free);
  EVP_PKEY* key = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &key, EVP_PKEY_PUBLIC_KEY, params.get()) != 1) {
    throw KeyError("JWK is not a point on P-256");
  }
  KeyHandle handle(key, EVP_PKEY_free);
  // fromdata does not check that the point lies on the curve; a public-key check does.
  PkeyCtx check(EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr), EVP_PKEY_CTX_free);
  if (!check || EVP_PKEY_public_check(check.get()) != 1) throw KeyError("JWK is not a point on P-256");
  return handle;
}

}  // namespace common::jwt
