#include "auth/api/bearer_caller.hpp"

#include "auth/api/rpc_support.hpp"
#include "common/grpc/grpc_errors.hpp"

namespace auth::rpc {

std::optional<UserRecord> bearer_caller(const grpc::ServerContext& context, const TokenIssuer& tokens, UserStore& users,
                                        RevocationStore& revocations, grpc::Status& status,
                                        common::jwt::Claims* claims_out) {
  auto token = common::jwt::parse_bearer(common::metadata_value(context, "authorization"));
  if (!token) {
    status = common::status_with_reason(grpc::StatusCode::UNAUTHENTICATED, kNotAuthenticated, "not_authenticated");
    return std::nullopt;
  }
  try {
    auto claims = tokens.verify(*token, "access");
    auto user = users.find_by_id(claims.user_id);
    if (user && user->is_active && !revocations.is_revoked(claims.jti, claims.family)) {
      if (claims_out) *claims_out = std::move(claims);
      return user;
    }
  } catch (const common::jwt::TokenError&) {
  }
  status = token_not_valid("Given token not valid for any token type");
  return std::nullopt;
}

}  // namespace auth::rpc
