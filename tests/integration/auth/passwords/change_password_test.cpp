// ChangePassword through the auth service, on real PostgreSQL and Redis: the proof of the
// current password, the password rules, the end of every other session, the login limit.
#include "integration/auth/auth_fixture.hpp"

#include <gtest/gtest.h>

namespace {

using auth_test::AuthServiceTest;
using test_support::call_context;

const char* const kOldPassword = "old-correct-horse-1";
const char* const kNewPassword = "new-battery-staple-2";

class ChangePasswordTest : public AuthServiceTest {
 protected:
  ChangePasswordTest() {
    auth::v1::RegisterResponse registered;
    EXPECT_TRUE(register_user("carol", "carol@example.com", kOldPassword, &registered).ok());
    registration_ = registered.tokens();
    EXPECT_TRUE(login("carol", "", kOldPassword, &mine_).ok());
    EXPECT_TRUE(login("", "carol@example.com", kOldPassword, &other_).ok());
  }

  grpc::Status change(const std::string& current, const std::string& next,
                      const std::optional<std::string>& repeated = std::nullopt,
                      auth::v1::ChangePasswordResponse* out = nullptr, auth::v1::AuthService::Stub* stub = nullptr) {
    auth::v1::ChangePasswordRequest request;
    request.set_current_password(current);
    request.set_new_password(next);
    if (repeated) request.set_re_new_password(*repeated);
    auth::v1::ChangePasswordResponse reply;
    auto status = (stub ? stub : stub_)->ChangePassword(call_context(mine_.tokens().access()).get(), request, &reply);
    if (out) *out = reply;
    return status;
  }

  static common::FieldErrors errors_of(const grpc::Status& status) {
    return common::parse_status_details(status).field_errors;
  }

  auth::v1::TokenPair registration_;
  auth::v1::LoginResponse mine_;
  auth::v1::LoginResponse other_;
};

TEST_F(ChangePasswordTest, EndsEveryOtherSessionAtOnceAndKeepsTheCallers) {
  auth::v1::ChangePasswordResponse reply;
  ASSERT_TRUE(change(kOldPassword, kNewPassword, kNewPassword, &reply).ok());
  EXPECT_EQ(reply.sessions_ended(), 2);  // the registration's session and the other login

  // The other sessions: refresh tokens dead, their families published for access tokens.
  EXPECT_EQ(refresh(other_.tokens().refresh()).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(refresh(registration_.refresh()).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(verify(other_.tokens().access()).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_TRUE(redis_has_family_revocation(family_of(other_.tokens().access())));
  EXPECT_EQ(count("SELECT count(*) FROM token_families WHERE revoked_reason = 'password_change'"), 2);
  // The caller's session goes on.
  EXPECT_TRUE(verify(mine_.tokens().access()).ok());
  EXPECT_TRUE(refresh(mine_.tokens().refresh()).ok());

  // Only the new password logs in now.
  EXPECT_EQ(login("carol", "", kOldPassword).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_TRUE(login("carol", "", kNewPassword).ok());
}

TEST_F(ChangePasswordTest, BadInputIsAFieldErrorAndChangesNothing) {
  auto wrong = change("not-the-password", kNewPassword);
  EXPECT_EQ(wrong.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(errors_of(wrong), (common::FieldErrors{{"current_password", {"Invalid password."}}}));

  auto weak = change(kOldPassword, "12345678");
  EXPECT_EQ(weak.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(errors_of(weak).at("new_password"),
            (std::vector<std::string>{"This password is too common.", "This password is entirely numeric."}));

  auto like_the_name = change(kOldPassword, "carol@example.com");
  EXPECT_EQ(errors_of(like_the_name).at("new_password").at(0), "The password is too similar to the email address.");

  auto mismatch = change(kOldPassword, kNewPassword, "something-else-3");
  EXPECT_EQ(errors_of(mismatch),
            (common::FieldErrors{{"non_field_errors", {"The two password fields didn't match."}}}));

  auth::v1::ChangePasswordRequest empty;
  empty.set_current_password("");
  auth::v1::ChangePasswordResponse reply;
  auto blank = stub_->ChangePassword(call_context(mine_.tokens().access()).get(), empty, &reply);
  EXPECT_EQ(errors_of(blank), (common::FieldErrors{{"current_password", {"This field may not be blank."}},
                                                   {"new_password", {"This field is required."}}}));

  auto nul = change(std::string("old\0x", 5), kNewPassword);
  EXPECT_EQ(errors_of(nul).at("current_password").at(0), "Null characters are not allowed.");

  // Nothing changed: the old password works, no session ended.
  EXPECT_TRUE(login("carol", "", kOldPassword).ok());
  EXPECT_TRUE(refresh(other_.tokens().refresh()).ok());
  EXPECT_EQ(count("SELECT count(*) FROM token_families WHERE revoked_at IS NOT NULL"), 0);
}

TEST_F(ChangePasswordTest, OnlyAnAuthenticatedCallerMayChangeAPassword) {
  auth::v1::ChangePasswordRequest request;
  request.set_current_password(kOldPassword);
  request.set_new_password(kNewPassword);
  auth::v1::ChangePasswordResponse reply;
  EXPECT_EQ(stub_->ChangePassword(call_context().get(), request, &reply).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(stub_->ChangePassword(call_context(mine_.tokens().refresh()).get(), request, &reply).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  // A session that has ended cannot change the password either.
  ASSERT_TRUE(logout(other_.tokens().refresh(), other_.tokens().access()).ok());
  EXPECT_EQ(stub_->ChangePassword(call_context(other_.tokens().access()).get(), request, &reply).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_TRUE(login("carol", "", kOldPassword).ok());
}

TEST_F(ChangePasswordTest, WrongCurrentPasswordsCountTowardsTheAccountsLoginLimit) {
  auto limited = limited_service(3);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(
        change("guess-" + std::to_string(i), kNewPassword, std::nullopt, nullptr, limited->stub.get()).error_code(),
        grpc::StatusCode::INVALID_ARGUMENT);
  }
  // Even the right password is refused now, and logins to the account too: one budget.
  EXPECT_EQ(change(kOldPassword, kNewPassword, std::nullopt, nullptr, limited->stub.get()).error_code(),
            grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(login("carol", "", kOldPassword, nullptr, limited->stub.get()).error_code(),
            grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_TRUE(login("carol", "", kOldPassword).ok());  // the password did not change
}

}  // namespace
