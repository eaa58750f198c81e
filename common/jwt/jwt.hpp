#pragma once

#include "common/jwt/keys.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

// ES256 JSON Web Tokens with OpenSSL EVP: each key is parsed once and kept (see DESIGN.md),
// and verification follows RFC 8725: one pinned algorithm, a known kid, exp/nbf with leeway,
// exact iss/aud, and the expected token_type.
namespace common::jwt {

class TokenError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The token names a kid this KeySet does not hold: a verifier may refetch keys and retry.
class UnknownKey : public TokenError {
 public:
  using TokenError::TokenError;
};

using Clock = std::chrono::system_clock;

struct Claims {
  nlohmann::json payload;
  std::string token_type;
  std::string jti;
  std::int64_t user_id = 0;
  std::string username;
  std::string email;
  std::string family;   // the login the token descends from ("fam"); empty in legacy tokens
  bool legacy = false;  // HS256, issued by the simplejwt deployment we migrate from
  Clock::time_point issued_at;
  Clock::time_point expires_at;
};

struct VerifyRules {
  std::string issuer;
  std::string audience;
  std::chrono::seconds leeway{30};
  std::string token_type;  // empty: any type
};

class SigningKey final {
 public:
  explicit SigningKey(KeyHandle private_key);
  static SigningKey from_pem_file(const std::string& path);

  const std::string& kid() const { return kid_; }
  const KeyHandle& key() const { return key_; }
  // Compact JWS with header {"alg":"ES256","typ":"JWT","kid"}.
  std::string sign(const nlohmann::json& claims) const;

 private:
  KeyHandle key_;
  std::string kid_;
};

// The public keys a verifier trusts, by kid. Not changed once shared: safe to share between
// threads.
class KeySet final {
 public:
  KeySet() = default;
  static KeySet from_pem_files(const std::vector<std::string>& paths);

  void add(KeyHandle key);
  bool empty() const { return keys_.empty() && legacy_hs256_secret_.empty(); }
  bool contains(const std::string& kid) const { return keys_.count(kid) != 0; }
  std::vector<std::string> kids() const;
  std::vector<KeyHandle> keys() const;

  // HS256 migration mode (DESIGN.md): also accept tokens a simplejwt deployment signed with
  // this secret (its SIGNING_KEY). Those carry no iss/aud and no kid; every other rule holds.
  // ES256 verification is unaffected: the secret is never a public key.
  void accept_legacy_hs256(std::string secret) { legacy_hs256_secret_ = std::move(secret); }

  // Throws TokenError with a short reason when the token must be refused.
  Claims verify(std::string_view token, const VerifyRules& rules, Clock::time_point now = Clock::now()) const;

 private:
  std::map<std::string, KeyHandle, std::less<>> keys_;
  std::string legacy_hs256_secret_;
};

// "Bearer <token>" → token; nullopt for any other scheme or an empty token.
std::optional<std::string> parse_bearer(std::string_view authorization_header);

}  // namespace common::jwt
