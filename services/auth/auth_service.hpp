#pragma once

#include "auth/password_hasher.hpp"
#include "auth/rate_limiter.hpp"
#include "auth/revocation_store.hpp"
#include "auth/token_issuer.hpp"
#include "auth/user_store.hpp"
#include "auth/v1/auth.grpc.pb.h"

namespace auth {

// Brute-force limits (DESIGN.md): logins per account and per client address, registrations per
// client address. The client address comes from the gateway's x-client-ip metadata, else the
// gRPC peer.
struct Throttles {
  RateLimiter login_per_account;
  RateLimiter login_per_client;
  RateLimiter register_per_client;
};

// The gRPC face of the auth service: parses, applies the rules, calls the stores.
class AuthServiceImpl final : public auth::v1::AuthService::Service {
 public:
  AuthServiceImpl(UserStore& users, RevocationStore& revocations, const PasswordHasher& hasher,
                  const TokenIssuer& tokens, Throttles& throttles)
      : users_(users), revocations_(revocations), hasher_(hasher), tokens_(tokens), throttles_(throttles) {}

  grpc::Status Register(grpc::ServerContext* context, const v1::RegisterRequest* request,
                        v1::RegisterResponse* response) override;
  grpc::Status Login(grpc::ServerContext* context, const v1::LoginRequest* request,
                     v1::LoginResponse* response) override;
  grpc::Status Refresh(grpc::ServerContext* context, const v1::RefreshRequest* request,
                       v1::RefreshResponse* response) override;
  grpc::Status Verify(grpc::ServerContext* context, const v1::VerifyRequest* request,
                      v1::VerifyResponse* response) override;
  grpc::Status Logout(grpc::ServerContext* context, const v1::LogoutRequest* request,
                      v1::LogoutResponse* response) override;

 private:
  UserStore& users_;
  RevocationStore& revocations_;
  const PasswordHasher& hasher_;
  const TokenIssuer& tokens_;
  Throttles& throttles_;
};

}  // namespace auth
