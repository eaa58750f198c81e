#pragma once

#include "auth/accounts/user_store.hpp"
#include "auth/tokens/revocation_store.hpp"
#include "auth/tokens/token_issuer.hpp"
#include "common/jwt/jwt.hpp"

#include <grpcpp/grpcpp.h>

#include <optional>

namespace auth::rpc {

// The active user behind the call's "authorization: Bearer <access token>": a token this
// service signed, of type access, of a user who is still active, neither it nor its family
// revoked. nullopt with `status` set (UNAUTHENTICATED "not_authenticated" without a bearer
// token, "token_not_valid" otherwise). `claims`, when given, receives the token's claims.
// AuthService and AdminService both check callers here.
std::optional<UserRecord> bearer_caller(const grpc::ServerContext& context, const TokenIssuer& tokens, UserStore& users,
                                        RevocationStore& revocations, grpc::Status& status,
                                        common::jwt::Claims* claims = nullptr);

}  // namespace auth::rpc
