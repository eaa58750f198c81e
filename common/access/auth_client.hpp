#pragma once

#include "auth/v1/auth.grpc.pb.h"
#include "common/jwt/jwt.hpp"

#include <chrono>
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

// The JSON Web Key of one key of a GetJwks answer.
nlohmann::json jwk_json(const auth::v1::Jwk& key);

}  // namespace common
