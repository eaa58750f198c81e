#pragma once

#include "auth/v1/auth.grpc.pb.h"
#include "common/access/access_tokens.hpp"
#include "common/jwt/jwt.hpp"

#include <chrono>
#include <memory>
#include <string_view>
#include <vector>

// What services that verify access tokens ask the auth service.
namespace common {

// The auth service's public keys over gRPC (GetJwks), within `timeout`. Throws on failure.
std::vector<jwt::KeyHandle> fetch_jwks(auth::v1::AuthService::StubInterface& auth, std::chrono::milliseconds timeout);

// Whether the auth service (PostgreSQL) holds the token, or its family, as revoked; within
// `timeout`, without waiting for a connection. Throws on failure.
bool check_revocation(auth::v1::AuthService::StubInterface& auth, std::string_view jti, std::string_view family,
                      std::chrono::milliseconds timeout);

// Access-token checks wired to `auth` (which must outlive them): its JWKS for the keys, within
// `timeout`, and, while the revocation channel is not current, CheckRevocation, so a token that
// may be revoked never passes. That check is on the request path: at most a second.
std::unique_ptr<AccessTokens> access_tokens_from_auth(const VerifierConfig& config,
                                                      auth::v1::AuthService::StubInterface& auth,
                                                      std::chrono::milliseconds timeout);

// Checks the service tokens by which the auth service itself calls `audience` (token_type
// "service", auth/tokens/token_issuer.hpp): signature against the auth service's keys (the key
// files and its JWKS; never the HS256 migration secret, which a simplejwt deployment also
// held), iss, aud, exp. Service tokens are not revocable: they live a minute and are bound to
// one user and one action.
std::unique_ptr<TokenVerifier> service_tokens_from_auth(const VerifierConfig& config,
                                                        auth::v1::AuthService::StubInterface& auth,
                                                        std::chrono::milliseconds timeout, const std::string& audience);

// The JSON Web Key of one key of a GetJwks answer, and back (the auth service's answer).
nlohmann::json jwk_json(const auth::v1::Jwk& key);
auth::v1::Jwk jwk_message(const nlohmann::json& jwk);

}  // namespace common
