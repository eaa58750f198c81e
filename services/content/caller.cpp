#include "content/caller.hpp"

#include "common/grpc/grpc_errors.hpp"

namespace content {

std::optional<Caller> CallerAuthenticator::authenticate(const grpc::ServerContextBase& context,
                                                        grpc::Status& status) const {
  auto token = common::jwt::parse_bearer(common::metadata_value(context, "authorization"));
  if (!token) {
    status = common::status_with_reason(grpc::StatusCode::UNAUTHENTICATED,
                                        "Authentication credentials were not provided.", "not_authenticated");
    return std::nullopt;
  }
  try {
    auto claims = tokens_.verify(*token);
    return Caller{claims.user_id, claims.username, claims.email};
  } catch (const common::jwt::TokenError&) {
    status = common::status_with_reason(grpc::StatusCode::UNAUTHENTICATED, "Given token not valid for any token type",
                                        "token_not_valid");
    return std::nullopt;
  }
}

}  // namespace content
