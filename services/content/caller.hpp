#pragma once

#include "common/access/token_verifier.hpp"

#include <grpcpp/grpcpp.h>

#include <cstdint>
#include <optional>
#include <string>

namespace content {

struct Caller {
  std::int64_t user_id = 0;
  std::string username;
  std::string email;
};

// Authenticates every call from its "authorization: Bearer <access token>" metadata: the
// service is reachable by internal clients directly, so it trusts no one upstream.
class CallerAuthenticator final {
 public:
  explicit CallerAuthenticator(const common::TokenVerifier& tokens) : tokens_(tokens) {}

  // nullopt with `status` set to UNAUTHENTICATED when the call carries no valid access token.
  std::optional<Caller> authenticate(const grpc::ServerContextBase& context, grpc::Status& status) const;

 private:
  const common::TokenVerifier& tokens_;
};

}  // namespace content
