#pragma once

#include "auth/accounts/admin_actions.hpp"
#include "auth/accounts/audit_log.hpp"
#include "auth/accounts/service_keys.hpp"
#include "auth/accounts/user_directory.hpp"
#include "auth/accounts/user_store.hpp"
#include "auth/tokens/revocation_store.hpp"
#include "auth/tokens/token_issuer.hpp"
#include "auth/v1/admin.grpc.pb.h"

#include <optional>

namespace auth {

// What the admin service works with; owned by main (or a test).
struct AdminParts {
  AdminActions& actions;
  UserDirectory& directory;
  AuditLog& audit;
  ServiceKeys& service_keys;
  // For checking bearer tokens, as AuthService does.
  UserStore& users;
  RevocationStore& revocations;
  const TokenIssuer& tokens;
  // Issues a password reset in the caller's transaction (PasswordResets::issue).
  SendPasswordReset send_reset;
};

// auth.v1.AdminService (proto/auth/v1/admin.proto): checks the caller (a staff user's access
// token or a service key), validates the request and runs AdminActions or a read.
class AdminServiceImpl final : public v1::AdminService::Service {
 public:
  explicit AdminServiceImpl(AdminParts parts) : p_(std::move(parts)) {}

  grpc::Status ListUsers(grpc::ServerContext* context, const v1::ListUsersRequest* request,
                         v1::ListUsersResponse* response) override;
  grpc::Status GetUser(grpc::ServerContext* context, const v1::GetUserRequest* request,
                       v1::GetUserResponse* response) override;
  grpc::Status SetUserActive(grpc::ServerContext* context, const v1::SetUserActiveRequest* request,
                             v1::SetUserActiveResponse* response) override;
  grpc::Status SetUserStaff(grpc::ServerContext* context, const v1::SetUserStaffRequest* request,
                            v1::SetUserStaffResponse* response) override;
  grpc::Status EndUserSessions(grpc::ServerContext* context, const v1::EndUserSessionsRequest* request,
                               v1::EndUserSessionsResponse* response) override;
  grpc::Status SendPasswordReset(grpc::ServerContext* context, const v1::SendPasswordResetRequest* request,
                                 v1::SendPasswordResetResponse* response) override;
  grpc::Status ListAuditEvents(grpc::ServerContext* context, const v1::ListAuditEventsRequest* request,
                               v1::ListAuditEventsResponse* response) override;

 private:
  // Who is calling, for the audit log; nullopt with `status` set when they may not.
  std::optional<Actor> caller(const grpc::ServerContext& context, grpc::Status& status);
  // run_rpc with the caller checked first.
  template <class Body>
  grpc::Status admin_rpc(grpc::ServerContext* context, const char* method, Body&& body);

  AdminParts p_;
};

}  // namespace auth
