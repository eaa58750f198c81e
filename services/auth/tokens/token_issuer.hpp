#pragma once

#include "auth/accounts/user_store.hpp"
#include "common/jwt/jwt.hpp"

#include <chrono>
#include <string>
#include <vector>

namespace auth {

struct TokenSettings {
  std::string issuer = "auth-service";
  std::string audience = "api";
  std::chrono::seconds access_ttl{15 * 60};
  std::chrono::seconds refresh_ttl{24 * 60 * 60};
  std::chrono::seconds leeway{30};
};

struct IssuedToken {
  std::string token;
  std::string jti;
  common::jwt::Clock::time_point expires_at;
};

struct IssuedPair {
  IssuedToken access;
  IssuedToken refresh;
  std::string family;  // in both tokens ("fam"): revoking a family reaches its access tokens too
};

// Signs access and refresh tokens with the claims of DESIGN.md, and verifies its own tokens.
class TokenIssuer final {
 public:
  // `also_trusted`: retired signing keys whose tokens are still live, and the HS256 migration
  // secret; the signing key is always trusted.
  TokenIssuer(common::jwt::SigningKey key, TokenSettings settings, common::jwt::KeySet also_trusted = {});

  // A new login starts a new family; a refresh passes the family of the token it rotates.
  IssuedPair issue(const UserRecord& user, const std::string& family = {},
                   common::jwt::Clock::time_point now = common::jwt::Clock::now()) const;

  // A token by which the auth service itself asks another service (`audience`) to do one thing
  // (`scope`) about one user: token_type "service", valid for a minute. Bound to the user and
  // the action, so a copy that leaks can do nothing else.
  std::string service_token(std::int64_t user_id, const std::string& audience, const std::string& scope,
                            common::jwt::Clock::time_point now = common::jwt::Clock::now()) const;

  // token_type "" accepts both types. Throws common::jwt::TokenError.
  common::jwt::Claims verify(const std::string& token, const std::string& token_type) const;

  const TokenSettings& settings() const { return settings_; }
  // The public JWKs of every trusted key (the HS256 secret is never published).
  std::vector<nlohmann::json> jwks() const;

 private:
  common::jwt::SigningKey key_;
  common::jwt::KeySet own_keys_;
  TokenSettings settings_;
};

// 128 random bits as 32 hex characters (simplejwt's uuid4().hex shape).
std::string random_token_id();

}  // namespace auth
