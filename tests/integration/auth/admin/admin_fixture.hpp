// auth.v1.AdminService behind a real gRPC server, beside the AuthService of AuthServiceTest and
// on the same stores: what the admin integration tests share.
#pragma once

#include "auth/api/admin_service.hpp"
#include "auth/mail/mail_outbox.hpp"
#include "integration/auth/auth_fixture.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <memory>
#include <string>

namespace admin_test {

inline std::string reason(const grpc::Status& status) { return common::parse_status_details(status).reason; }

inline std::string first_field_error(const grpc::Status& status, const std::string& field) {
  auto errors = common::parse_status_details(status).field_errors;
  auto it = errors.find(field);
  return it == errors.end() || it->second.empty() ? "" : it->second.front();
}

// A client context with a deadline and this exact authorization header ("" for none).
inline std::unique_ptr<grpc::ClientContext> with_authorization(const std::string& authorization) {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  if (!authorization.empty()) context->AddMetadata("authorization", authorization);
  return context;
}

struct AdminUnderTest {
  explicit AdminUnderTest(auth::AdminParts parts)
      : service(std::move(parts)), server(&service), stub(auth::v1::AdminService::NewStub(server.channel())) {}
  auth::AdminServiceImpl service;
  test_support::GrpcTestServer server;
  std::unique_ptr<auth::v1::AdminService::Stub> stub;
};

class AdminServiceTest : public auth_test::AuthServiceTest {
 protected:
  // The admin service as main wires it, with a password reset that can be made to fail.
  AdminServiceTest()
      : admin_(components_.admin_parts([this](pqxx::work& tx, const auth::UserRecord& user) {
          if (fail_resets_) throw std::runtime_error("reset failed");
          components_.resets.issue(tx, user);
        })) {}

  // A user with password "<username>-pass-123" and email "<username>@example.com"; its id.
  std::int64_t make_user(const std::string& username, bool staff = false) {
    auth::NewUser user;
    user.username = username;
    user.email = username + "@example.com";
    user.password_hash = hasher_.hash(username + "-pass-123");
    user.is_staff = staff;
    return users_.create(user).id;
  }

  // A new login of `username` (made by make_user).
  auth::v1::TokenPair session_of(const std::string& username) {
    auth::v1::LoginResponse reply;
    EXPECT_TRUE(login(username, "", username + "-pass-123", &reply).ok());
    return reply.tokens();
  }

  // "Bearer <access>" of a staff user "root", made on first use.
  const std::string& staff_authorization() {
    if (staff_authorization_.empty()) {
      staff_id_ = make_user("root", true);
      staff_authorization_ = "Bearer " + session_of("root").access();
    }
    return staff_authorization_;
  }

  grpc::Status get_user(std::int64_t id, const std::string& authorization, auth::v1::GetUserResponse* out = nullptr) {
    auth::v1::GetUserRequest request;
    request.set_id(id);
    auth::v1::GetUserResponse reply;
    auto status = admin_.stub->GetUser(with_authorization(authorization).get(), request, &reply);
    if (out) *out = reply;
    return status;
  }

  grpc::Status list_users(const std::string& query, int page_size, const std::string& page_token,
                          auth::v1::ListUsersResponse* out = nullptr, const std::string& authorization = {}) {
    auth::v1::ListUsersRequest request;
    request.set_query(query);
    request.set_page_size(page_size);
    request.set_page_token(page_token);
    auth::v1::ListUsersResponse reply;
    auto status = admin_.stub->ListUsers(
        with_authorization(authorization.empty() ? staff_authorization() : authorization).get(), request, &reply);
    if (out) *out = reply;
    return status;
  }

  grpc::Status set_active(std::int64_t id, bool active, auth::v1::SetUserActiveResponse* out = nullptr) {
    auth::v1::SetUserActiveRequest request;
    request.set_id(id);
    request.set_active(active);
    auth::v1::SetUserActiveResponse reply;
    auto status = admin_.stub->SetUserActive(with_authorization(staff_authorization()).get(), request, &reply);
    if (out) *out = reply;
    return status;
  }

  grpc::Status set_staff(std::int64_t id, bool staff, const std::string& authorization) {
    auth::v1::SetUserStaffRequest request;
    request.set_id(id);
    request.set_staff(staff);
    auth::v1::SetUserStaffResponse reply;
    return admin_.stub->SetUserStaff(with_authorization(authorization).get(), request, &reply);
  }

  // The key that `create-service-key NAME` printed.
  std::string create_service_key(const std::string& name) {
    std::string output;
    EXPECT_EQ(admin({"create-service-key", name}, "", &output), 0) << output;
    auto at = output.find("ServiceKey ");
    if (at == std::string::npos) return {};
    auto key = output.substr(at + 11);
    return key.substr(0, key.find('\n'));
  }

  // The audit rows of `action`, as "actor|target_user|client_ip|detail" lines, oldest first.
  std::vector<std::string> audit_rows(const std::string& action) {
    pqxx::connection c(database_.url());
    pqxx::read_transaction tx(c);
    std::vector<std::string> rows;
    for (const auto& row :
         tx.exec_params("SELECT actor || '|' || COALESCE(target_user::text, '') || '|' || client_ip || '|' || "
                        "detail::text FROM audit_log WHERE action = $1 ORDER BY id",
                        action)) {
      rows.push_back(row[0].as<std::string>());
    }
    return rows;
  }

  bool fail_resets_ = false;
  AdminUnderTest admin_;
  std::int64_t staff_id_ = 0;
  std::string staff_authorization_;
};

}  // namespace admin_test
