#pragma once

#include "auth/accounts/account_mail_requests.hpp"
#include "auth/accounts/account_policy.hpp"
#include "auth/accounts/email_verifications.hpp"
#include "auth/accounts/password_resets.hpp"
#include "auth/accounts/user_store.hpp"
#include "auth/deletion/account_deletions.hpp"
#include "auth/mail/mail_outbox.hpp"
#include "auth/passwords/password_hasher.hpp"
#include "auth/throttle/rate_limiter.hpp"
#include "auth/tokens/refresh_family_store.hpp"
#include "auth/tokens/revocation_store.hpp"
#include "auth/tokens/token_issuer.hpp"
#include "auth/v1/auth.grpc.pb.h"

#include <atomic>
#include <functional>

namespace auth {

// Brute-force limits (DESIGN.md): logins per account and per client address, registrations per
// client address. The client address comes from the gateway's x-client-ip metadata, else the
// gRPC peer.
struct Throttles {
  RateLimiter login_per_account;
  RateLimiter login_per_client;
  RateLimiter register_per_client;
  // Reset and verification mails asked for, per address asked about and per client address.
  RateLimiter account_mail_per_email;
  RateLimiter account_mail_per_client;
};

// What the service works with; owned by main (or a test).
struct AuthParts {
  UserStore& users;
  RefreshFamilyStore& families;
  RevocationStore& revocations;
  EmailVerifications& verifications;
  PasswordResets& resets;
  AccountMailRequests& mail_requests;
  AccountDeletions& deletions;
  MailOutbox* outbox;  // woken when a registration queued a mail; may be null
  const PasswordHasher& hasher;
  const TokenIssuer& tokens;
  Throttles& throttles;
  AccountPolicy policy;
  // Calls that may use the database at once; beyond, they are refused at once
  // (RESOURCE_EXHAUSTED), so a hanging database cannot take every server thread from health
  // checks and GetJwks. 0: no limit.
  std::size_t max_storage_calls = 0;
};

// The gRPC face of the auth service: parses, applies the rules, calls the stores.
class AuthServiceImpl final : public auth::v1::AuthService::Service {
 public:
  explicit AuthServiceImpl(AuthParts parts) : p_(std::move(parts)) {}

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
  grpc::Status GetMe(grpc::ServerContext* context, const v1::GetMeRequest* request,
                     v1::GetMeResponse* response) override;
  grpc::Status VerifyEmail(grpc::ServerContext* context, const v1::VerifyEmailRequest* request,
                           v1::VerifyEmailResponse* response) override;
  grpc::Status GetJwks(grpc::ServerContext* context, const v1::GetJwksRequest* request,
                       v1::GetJwksResponse* response) override;
  grpc::Status CheckRevocation(grpc::ServerContext* context, const v1::CheckRevocationRequest* request,
                               v1::CheckRevocationResponse* response) override;
  grpc::Status ChangePassword(grpc::ServerContext* context, const v1::ChangePasswordRequest* request,
                              v1::ChangePasswordResponse* response) override;
  grpc::Status RequestPasswordReset(grpc::ServerContext* context, const v1::RequestPasswordResetRequest* request,
                                    v1::RequestPasswordResetResponse* response) override;
  grpc::Status ConfirmPasswordReset(grpc::ServerContext* context, const v1::ConfirmPasswordResetRequest* request,
                                    v1::ConfirmPasswordResetResponse* response) override;
  grpc::Status UpdateMe(grpc::ServerContext* context, const v1::UpdateMeRequest* request,
                        v1::UpdateMeResponse* response) override;
  grpc::Status ResendVerification(grpc::ServerContext* context, const v1::ResendVerificationRequest* request,
                                  v1::ResendVerificationResponse* response) override;
  grpc::Status DeleteMe(grpc::ServerContext* context, const v1::DeleteMeRequest* request,
                        v1::DeleteMeResponse* response) override;
  grpc::Status ListSessions(grpc::ServerContext* context, const v1::ListSessionsRequest* request,
                            v1::ListSessionsResponse* response) override;
  grpc::Status EndSession(grpc::ServerContext* context, const v1::EndSessionRequest* request,
                          v1::EndSessionResponse* response) override;
  grpc::Status EndOtherSessions(grpc::ServerContext* context, const v1::EndOtherSessionsRequest* request,
                                v1::EndOtherSessionsResponse* response) override;

 private:
  // The active user behind the call's access token; nullopt with `status` set otherwise.
  // `claims`, when given, receives the access token's claims (its family: the caller's session).
  std::optional<UserRecord> authenticated_caller(const grpc::ServerContext& context, grpc::Status& status,
                                                 common::jwt::Claims* claims = nullptr);
  bool password_matches(const UserRecord& user, const std::string& password);
  // Proves `password` is the caller's within the account's login limit (a wrong one is a
  // guess at it); OK, or the field error on `field`, or the throttle.
  grpc::Status prove_password(const UserRecord& caller, const char* field, bool present, const std::string& password);
  // Records an account mail request (reset, verification) for `email`, after the checks and
  // limits every such request passes alike.
  grpc::Status request_account_mail(const grpc::ServerContext& context, AccountMailKind kind, bool present,
                                    const std::string& email);
  grpc::Status log_in(const grpc::ServerContext& context, const UserRecord& user, v1::User* user_out,
                      v1::TokenPair* tokens_out);
  // run_rpc within the max_storage_calls bound.
  grpc::Status storage_rpc(grpc::ServerContext* context, const char* method, const std::function<grpc::Status()>& body);

  AuthParts p_;
  std::atomic<std::size_t> storage_calls_{0};
};

}  // namespace auth
