#pragma once

#include <nlohmann/json.hpp>

#include <cstddef>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

typedef struct evp_pkey_st EVP_PKEY;

// EC P-256 keys for ES256: PEM files, JWKs and RFC 7638 thumbprints (the kid).
namespace common::jwt {

class KeyError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

inline constexpr std::size_t kCoordinateBytes = 32;  // a P-256 coordinate, and half a signature

using KeyHandle = std::shared_ptr<EVP_PKEY>;

// Parses a PEM P-256 key, private or public. Throws KeyError.
KeyHandle load_ec_key_pem(std::string_view pem);
std::string read_file(const std::string& path);

// RFC 7638 thumbprint of the public key: a kid every process derives alike from the key alone.
std::string key_thumbprint(EVP_PKEY* key);
// The public JWK ({"kty","crv","x","y","kid","alg","use"}).
nlohmann::json public_jwk(EVP_PKEY* key);
// The key of a public EC P-256 JWK. Throws KeyError.
KeyHandle key_from_jwk(const nlohmann::json& jwk);
// Throws KeyError unless `key` is an EC P-256 key.
void require_p256(EVP_PKEY* key);

}  // namespace common::jwt
