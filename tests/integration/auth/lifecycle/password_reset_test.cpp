// Password reset (issue 14): no enumeration, single-use hashed tokens, only the newest works,
// and using one ends every session.
#include "auth/accounts/account_links.hpp"
#include "integration/auth/auth_fixture.hpp"

#include <gtest/gtest.h>

namespace {

using auth_test::AuthServiceTest;
using test_support::call_context;

class PasswordResetTest : public AuthServiceTest {
 protected:
  grpc::Status request_reset(const std::string& email, auth::v1::AuthService::Stub* stub = nullptr) {
    auth::v1::RequestPasswordResetRequest request;
    request.set_email(email);
    auth::v1::RequestPasswordResetResponse reply;
    return (stub ? stub : stub_)->RequestPasswordReset(call_context().get(), request, &reply);
  }

  grpc::Status confirm(const std::string& token, const std::string& new_password,
                       const std::optional<std::string>& uid = std::nullopt,
                       auth::v1::ConfirmPasswordResetResponse* out = nullptr) {
    auth::v1::ConfirmPasswordResetRequest request;
    request.set_token(token);
    request.set_new_password(new_password);
    if (uid) request.set_uid(*uid);
    auth::v1::ConfirmPasswordResetResponse reply;
    auto status = stub_->ConfirmPasswordReset(call_context().get(), request, &reply);
    if (out) *out = reply;
    return status;
  }

  // What the background loop does: resolves the recorded requests.
  void resolve() { components_.mail_requests.resolve_pending(); }

  std::string reset_token(const std::string& email) {
    EXPECT_TRUE(request_reset(email).ok());
    resolve();
    return mailed_token(email, "Reset your password");
  }

  std::string token_field_error(const grpc::Status& status) {
    auto errors = common::parse_status_details(status).field_errors;
    return errors.contains("token") ? errors.at("token").at(0) : "";
  }
};

TEST_F(PasswordResetTest, AnyAddressGetsTheSameAnswerAndOnlyAnAccountGetsAMail) {
  ASSERT_TRUE(register_user("rita", "rita@example.com", "rita-pass-12").ok());
  auto known = request_reset(" Rita@EXAMPLE.com ");
  auto unknown = request_reset("nobody@example.com");
  ASSERT_TRUE(known.ok()) << known.error_message();
  ASSERT_TRUE(unknown.ok());
  EXPECT_EQ(known.error_message(), unknown.error_message());
  // The request path did the same work for both: one recorded request each, nothing else.
  EXPECT_EQ(count("SELECT count(*) FROM account_mail_requests"), 2);
  EXPECT_EQ(count("SELECT count(*) FROM password_resets"), 0);

  resolve();
  EXPECT_EQ(count("SELECT count(*) FROM account_mail_requests"), 0);
  EXPECT_EQ(count("SELECT count(*) FROM password_resets"), 1);
  std::string body = last_mail("rita@example.com", "Reset your password");
  EXPECT_NE(body.find("https://app.example/reset?uid=" + auth::uid_of(1) + "&token="), std::string::npos) << body;
  EXPECT_EQ(mails_to("nobody@example.com"), 0);
  EXPECT_EQ(request_reset("not-an-address").error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(PasswordResetTest, TheTokenSetsThePasswordOnceAndEndsEverySession) {
  auth::v1::RegisterResponse registered;
  ASSERT_TRUE(register_user("sid", "sid@example.com", "sid-pass-123", &registered).ok());
  auth::v1::LoginResponse other;
  ASSERT_TRUE(login("sid", "", "sid-pass-123", &other).ok());
  std::string token = reset_token("sid@example.com");
  ASSERT_EQ(token.size(), 64u);
  EXPECT_EQ(count("SELECT count(*) FROM password_resets WHERE encode(token_hash, 'hex') = '" + token + "'"), 0);

  auth::v1::ConfirmPasswordResetResponse reply;
  auto status = confirm(token, "brand-new-pass-9", std::nullopt, &reply);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(reply.sessions_ended(), 2);
  for (const auto* tokens : {&registered.tokens(), &other.tokens()}) {
    EXPECT_EQ(refresh(tokens->refresh()).error_code(), grpc::StatusCode::UNAUTHENTICATED);
    EXPECT_EQ(verify(tokens->access()).error_code(), grpc::StatusCode::UNAUTHENTICATED);
    EXPECT_TRUE(redis_has_family_revocation(family_of(tokens->refresh())));
  }
  EXPECT_EQ(count("SELECT count(*) FROM token_families WHERE revoked_reason = 'password_reset'"), 2);
  EXPECT_EQ(login("sid", "", "sid-pass-123").error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_TRUE(login("sid", "", "brand-new-pass-9").ok());

  auto again = confirm(token, "another-pass-77");
  ASSERT_EQ(again.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(token_field_error(again), "Invalid or expired password reset token.");
  EXPECT_TRUE(login("sid", "", "brand-new-pass-9").ok());
}

TEST_F(PasswordResetTest, ANewerResetOrAPasswordChangeEndsEarlierTokens) {
  auth::v1::RegisterResponse registered;
  ASSERT_TRUE(register_user("tom", "tom@example.com", "tom-pass-123", &registered).ok());
  std::string first = reset_token("tom@example.com");
  std::string second = reset_token("tom@example.com");
  ASSERT_NE(first, second);
  EXPECT_EQ(confirm(first, "first-new-pass-1").error_code(), grpc::StatusCode::INVALID_ARGUMENT);

  auth::v1::ChangePasswordRequest change;
  change.set_current_password("tom-pass-123");
  change.set_new_password("changed-pass-42");
  auth::v1::ChangePasswordResponse changed;
  ASSERT_TRUE(stub_->ChangePassword(call_context(registered.tokens().access()).get(), change, &changed).ok());
  EXPECT_EQ(confirm(second, "second-new-pass-2").error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(login("tom", "", "changed-pass-42").ok());
}

TEST_F(PasswordResetTest, AWeakPasswordOrAnotherUsersUidLeavesTheTokenUsableUntilItExpires) {
  ASSERT_TRUE(register_user("una", "una@example.com", "una-pass-123").ok());
  ASSERT_TRUE(register_user("vic", "vic@example.com", "vic-pass-123").ok());
  std::string token = reset_token("una@example.com");

  auto weak = confirm(token, "12345678");
  ASSERT_EQ(weak.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(common::parse_status_details(weak).field_errors.contains("new_password"));
  EXPECT_EQ(confirm(token, "una-new-pass-1", auth::uid_of(2)).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  auto bad_uid = confirm(token, "una-new-pass-1", "%%%");
  EXPECT_EQ(common::parse_status_details(bad_uid).field_errors.at("uid").at(0),
            "Invalid user id or user doesn't exist.");
  EXPECT_TRUE(confirm(token, "una-new-pass-1", auth::uid_of(1)).ok());

  std::string late = reset_token("vic@example.com");
  pqxx::connection c(database_.url());
  pqxx::work tx(c);
  tx.exec("UPDATE password_resets SET expires_at = now() - interval '1 second'");
  tx.commit();
  EXPECT_EQ(token_field_error(confirm(late, "vic-new-pass-1")), "Invalid or expired password reset token.");
  EXPECT_TRUE(login("vic", "", "vic-pass-123").ok());
}

TEST_F(PasswordResetTest, RequestsAreLimitedPerAddressWhetherOrNotItHasAnAccount) {
  ASSERT_TRUE(register_user("wes", "wes@example.com", "wes-pass-123").ok());
  auto limited = limited_service(2);
  for (const std::string email : {"wes@example.com", "ghost@example.com"}) {
    EXPECT_TRUE(request_reset(email, limited->stub.get()).ok());
    EXPECT_TRUE(request_reset(email, limited->stub.get()).ok());
    auto third = request_reset(email, limited->stub.get());
    EXPECT_EQ(third.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << email;
  }
  EXPECT_EQ(count("SELECT count(*) FROM account_mail_requests"), 4);
}

}  // namespace
