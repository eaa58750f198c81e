#pragma once

// Helpers for the JWT-related unit tests: in-process key generation and hand-built tokens,
// written against OpenSSL directly so they do not share code with the verifier under test.

#include "common/core/base64url.hpp"
#include "common/jwt/jwt.hpp"

#include <openssl/bio.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <nlohmann/json.hpp>

#include <memory>
#include <stdexcept>
#include <string>

namespace unit_jwt {

inline common::jwt::KeyHandle generate_ec_key(const char* curve = "P-256") {
  EVP_PKEY* key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", curve);
  if (key == nullptr) throw std::runtime_error("EC key generation failed");
  return common::jwt::KeyHandle(key, EVP_PKEY_free);
}

inline common::jwt::KeyHandle generate_ed25519_key() {
  EVP_PKEY* key = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
  if (key == nullptr) throw std::runtime_error("Ed25519 key generation failed");
  return common::jwt::KeyHandle(key, EVP_PKEY_free);
}

namespace detail {
inline std::string drain(BIO* bio) {
  char* data = nullptr;
  long length = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<std::size_t>(length));
}
}  // namespace detail

inline std::string private_pem(EVP_PKEY* key) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), BIO_free);
  if (PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    throw std::runtime_error("PEM_write_bio_PrivateKey failed");
  }
  return detail::drain(bio.get());
}

inline std::string public_pem(EVP_PKEY* key) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), BIO_free);
  if (PEM_write_bio_PUBKEY(bio.get(), key) != 1) throw std::runtime_error("PEM_write_bio_PUBKEY failed");
  return detail::drain(bio.get());
}

// ES256 over `signing_input`, as JWS wants it: raw r||s (32 bytes each), not DER.
inline std::string es256_raw_signature(EVP_PKEY* key, const std::string& signing_input) {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  std::size_t length = 0;
  const auto* data = reinterpret_cast<const unsigned char*>(signing_input.data());
  if (EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &length, data, signing_input.size()) != 1) {
    throw std::runtime_error("sign init failed");
  }
  std::string der(length, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(der.data()), &length, data, signing_input.size()) !=
      1) {
    throw std::runtime_error("sign failed");
  }
  const auto* cursor = reinterpret_cast<const unsigned char*>(der.data());
  std::unique_ptr<ECDSA_SIG, decltype(&ECDSA_SIG_free)> sig(d2i_ECDSA_SIG(nullptr, &cursor, static_cast<long>(length)),
                                                            ECDSA_SIG_free);
  if (!sig) throw std::runtime_error("unreadable DER signature");
  const BIGNUM* r = nullptr;
  const BIGNUM* s = nullptr;
  ECDSA_SIG_get0(sig.get(), &r, &s);
  std::string raw(64, '\0');
  auto* out = reinterpret_cast<unsigned char*>(raw.data());
  BN_bn2binpad(r, out, 32);
  BN_bn2binpad(s, out + 32, 32);
  return raw;
}

// Independent ES256 verification of a raw r||s signature.
inline bool es256_verify_raw(EVP_PKEY* key, const std::string& signing_input, const std::string& raw) {
  if (raw.size() != 64) return false;
  const auto* bytes = reinterpret_cast<const unsigned char*>(raw.data());
  std::unique_ptr<ECDSA_SIG, decltype(&ECDSA_SIG_free)> sig(ECDSA_SIG_new(), ECDSA_SIG_free);
  ECDSA_SIG_set0(sig.get(), BN_bin2bn(bytes, 32, nullptr), BN_bin2bn(bytes + 32, 32, nullptr));
  unsigned char* der = nullptr;
  int der_length = i2d_ECDSA_SIG(sig.get(), &der);
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  bool ok = der_length > 0 && EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key) == 1 &&
            EVP_DigestVerify(ctx.get(), der, static_cast<std::size_t>(der_length),
                             reinterpret_cast<const unsigned char*>(signing_input.data()), signing_input.size()) == 1;
  OPENSSL_free(der);
  return ok;
}

inline std::string hs256(const std::string& secret, const std::string& signing_input) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(signing_input.data()), signing_input.size(), mac, &length);
  return std::string(reinterpret_cast<char*>(mac), length);
}

inline std::string signing_input(const nlohmann::json& header, const nlohmann::json& payload) {
  return common::base64url_encode(header.dump()) + "." + common::base64url_encode(payload.dump());
}

// A compact JWS with any header, ES256-signed by `key` whatever the header claims.
inline std::string es256_token(EVP_PKEY* key, const nlohmann::json& header, const nlohmann::json& payload) {
  std::string input = signing_input(header, payload);
  return input + "." + common::base64url_encode(es256_raw_signature(key, input));
}

}  // namespace unit_jwt
