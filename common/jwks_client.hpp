#pragma once

#include "auth/v1/auth.grpc.pb.h"
#include "common/jwt.hpp"

#include <chrono>
#include <vector>

namespace common {

// The auth service's public keys over gRPC (GetJwks), within `timeout`. Throws on failure.
std::vector<jwt::KeyHandle> fetch_jwks(auth::v1::AuthService::StubInterface& auth, std::chrono::milliseconds timeout);

// The JSON Web Key of one key of a GetJwks answer.
nlohmann::json jwk_json(const auth::v1::Jwk& key);

}  // namespace common
