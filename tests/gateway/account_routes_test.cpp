// The caller's account (account_routes.cpp): the profile read, updated and deleted, password
// change and reset, email verification and its resending; each row's fields, RPC and shape.
#include "tests/gateway/gateway_fixture.hpp"

#include "common/grpc/grpc_errors.hpp"

namespace gateway_test {
namespace {

class AccountRoutesTest : public GatewayTest {
 protected:
  void SetUp() override {
    GatewayTest::SetUp();
    access_ = tokens_.access();
  }
  std::string access_;
};

const json kRequired = {"This field is required."};
const std::string kForm = "application/x-www-form-urlencoded";

json mona_profile(const std::string& pending_email) {
  return {{"id", 7},
          {"username", "mona"},
          {"email", "mona@example.com"},
          {"name", "Mona"},
          {"email_verified", false},
          {"pending_email", pending_email},
          {"date_joined", "2026-11-23T12:00:00.123456Z"}};
}

TEST_F(AccountRoutesTest, MeDescribesTheCaller) {
  auth::v1::GetMeResponse me_reply;
  *me_reply.mutable_user() = sample_user(7, "mona", "mona@example.com", "Mona");
  me_reply.mutable_user()->set_pending_email("new@example.com");
  auth_.get_me.reply_with(me_reply);
  auto me = send("GET", "/api/me/", nullptr, access_);
  ASSERT_EQ(me.status, 200) << me.text;
  EXPECT_EQ(me.body, mona_profile("new@example.com"));
  EXPECT_EQ(auth_.get_me.last_metadata("authorization"), "Bearer " + access_);
  EXPECT_EQ(send("GET", "/api/me/").status, 401);
  EXPECT_EQ(auth_.get_me.calls(), 1u);
}

TEST_F(AccountRoutesTest, PutAndPatchOfMeAreBothPartialAndAnswerTheProfile) {
  auth::v1::UpdateMeResponse reply;
  *reply.mutable_user() = sample_user(7, "mona", "mona@example.com", "Mona");
  reply.mutable_user()->set_pending_email("mona@new.example");
  auth_.update_me.reply_with(reply);

  auto put = send("PUT", "/api/me/", {{"email", "mona@new.example"}, {"is_staff", true}}, access_);
  ASSERT_EQ(put.status, 200) << put.text;
  EXPECT_EQ(put.body, mona_profile("mona@new.example"));
  EXPECT_EQ(put.header("Cache-Control"), "no-store");
  auto sent = auth_.update_me.last_request();
  EXPECT_EQ(sent.email(), "mona@new.example");
  EXPECT_FALSE(sent.has_username()) << "an absent field stays as it is, with PUT too";
  EXPECT_FALSE(sent.has_name());
  EXPECT_EQ(auth_.update_me.last_metadata("authorization"), "Bearer " + access_);

  auto patch = send("PATCH", "/api/me", "name=Mona+L&username=mona_l", access_, {}, kForm);
  ASSERT_EQ(patch.status, 200) << patch.text;
  EXPECT_EQ(auth_.update_me.last_request().name(), "Mona L");
  EXPECT_EQ(auth_.update_me.last_request().username(), "mona_l");
  EXPECT_FALSE(auth_.update_me.last_request().has_email());

  EXPECT_EQ(send("PATCH", "/api/me/", {{"name", "x"}}).status, 401);
  auto not_text = send("PATCH", "/api/me/", {{"name", {"x"}}}, access_);
  EXPECT_EQ(not_text.status, 400);
  EXPECT_EQ(not_text.body, json({{"name", {"Not a valid string."}}}));
  EXPECT_EQ(auth_.update_me.calls(), 2u);

  auth_.update_me.fail_with(common::invalid_argument({{"username", {"A user with that username already exists."}}}));
  auto taken = send("PATCH", "/api/me/", {{"username", "alice"}}, access_);
  EXPECT_EQ(taken.status, 400);
  EXPECT_EQ(taken.body, json({{"username", {"A user with that username already exists."}}}));
}

TEST_F(AccountRoutesTest, DeletingTheAccountProvesThePasswordAndAnswers204WithoutABody) {
  auth::v1::DeleteMeResponse reply;
  reply.set_sessions_ended(3);
  auth_.delete_me.reply_with(reply);
  auto deleted = send("DELETE", "/api/me/", {{"current_password", "Mona-pass-123"}}, access_);
  EXPECT_EQ(deleted.status, 204) << deleted.text;
  EXPECT_EQ(deleted.text, "");
  EXPECT_FALSE(deleted.has_header("Content-Type"));
  EXPECT_EQ(deleted.header("Cache-Control"), "no-store");
  EXPECT_EQ(auth_.delete_me.last_request().current_password(), "Mona-pass-123");
  EXPECT_EQ(auth_.delete_me.last_metadata("authorization"), "Bearer " + access_);

  EXPECT_EQ(send("DELETE", "/api/me/", "current_password=p%26ss", access_, {}, kForm).status, 204);
  EXPECT_EQ(auth_.delete_me.last_request().current_password(), "p&ss");
  EXPECT_EQ(send("DELETE", "/api/me/", nullptr, access_).status, 204);
  EXPECT_FALSE(auth_.delete_me.last_request().has_current_password()) << "auth says it is required";

  EXPECT_EQ(send("DELETE", "/api/me/", {{"current_password", "x"}}).status, 401);
  auto unsupported = send("DELETE", "/api/me/", "current_password", access_, {}, "text/plain");
  EXPECT_EQ(unsupported.status, 415);
  auto malformed = send("DELETE", "/api/me/", "{", access_, {}, "application/json; charset=utf-8");
  EXPECT_EQ(malformed.status, 400);
  EXPECT_TRUE(malformed.body.value("detail", "").starts_with("JSON parse error - ")) << malformed.text;
  EXPECT_EQ(auth_.delete_me.calls(), 3u);

  auth_.delete_me.fail_with(common::invalid_argument({{"current_password", {"Invalid password."}}}));
  auto wrong = send("DELETE", "/api/me/", {{"current_password", "nope"}}, access_);
  EXPECT_EQ(wrong.status, 400);
  EXPECT_EQ(wrong.body, json({{"current_password", {"Invalid password."}}}));
}

TEST_F(AccountRoutesTest, PasswordChangeSaysHowManyOtherSessionsEnded) {
  auth::v1::ChangePasswordResponse reply;
  reply.set_sessions_ended(2);
  auth_.change_password.reply_with(reply);
  auto changed = send("POST", "/api/password/change/",
                      {{"current_password", "old-pass-123"}, {"new_password", "new-pass-456"}}, access_);
  ASSERT_EQ(changed.status, 200) << changed.text;
  EXPECT_EQ(changed.body, json({{"detail", "Password changed."}, {"sessions_ended", 2}}));
  EXPECT_EQ(changed.header("Cache-Control"), "no-store");
  auto sent = auth_.change_password.last_request();
  EXPECT_EQ(sent.current_password(), "old-pass-123");
  EXPECT_EQ(sent.new_password(), "new-pass-456");
  EXPECT_FALSE(sent.has_re_new_password());
  EXPECT_EQ(auth_.change_password.last_metadata("authorization"), "Bearer " + access_);

  // Form bodies too, with the optional repetition.
  EXPECT_EQ(
      send("POST", "/api/password/change/", "current_password=a&new_password=b&re_new_password=c", access_, {}, kForm)
          .status,
      200);
  EXPECT_EQ(auth_.change_password.last_request().re_new_password(), "c");

  // Only for a caller with an access token; auth's field errors pass through.
  EXPECT_EQ(send("POST", "/api/password/change/", {{"current_password", "x"}, {"new_password", "y"}}).status, 401);
  EXPECT_EQ(auth_.change_password.calls(), 2u);
  auth_.change_password.fail_with(common::invalid_argument({{"current_password", {"Invalid password."}}}));
  auto wrong = send("POST", "/api/password/change/", {{"current_password", "x"}, {"new_password", "y"}}, access_);
  EXPECT_EQ(wrong.status, 400);
  EXPECT_EQ(wrong.body, json({{"current_password", {"Invalid password."}}}));
}

TEST_F(AccountRoutesTest, ResetRequestAnswersTheSameWhateverTheAddress) {
  const json kSent = {{"detail", "If an account uses this address, a password reset link has been sent to it."}};
  auto requested = send("POST", "/api/password/reset/", {{"email", "mona@example.com"}});
  ASSERT_EQ(requested.status, 200) << requested.text;
  EXPECT_EQ(requested.body, kSent);
  EXPECT_EQ(requested.header("Cache-Control"), "no-store");
  EXPECT_EQ(auth_.request_password_reset.last_request().email(), "mona@example.com");
  EXPECT_EQ(auth_.request_password_reset.last_metadata("authorization"), "");

  EXPECT_EQ(send("POST", "/api/password/reset", "email=x%40example.com", {}, {}, kForm).body, kSent);
  EXPECT_EQ(auth_.request_password_reset.last_request().email(), "x@example.com");

  auth_.request_password_reset.fail_with(common::invalid_argument({{"email", kRequired}}));
  auto empty = send("POST", "/api/password/reset/", json::object());
  EXPECT_EQ(empty.status, 400);
  EXPECT_EQ(empty.body, json({{"email", kRequired}}));
  EXPECT_FALSE(auth_.request_password_reset.last_request().has_email());

  auth_.request_password_reset.fail_with(common::resource_exhausted("Too many.", std::chrono::seconds(30)));
  auto throttled = send("POST", "/api/password/reset/", {{"email", "mona@example.com"}});
  EXPECT_EQ(throttled.status, 429);
  EXPECT_EQ(throttled.header("Retry-After"), "30");
}

TEST_F(AccountRoutesTest, ResetConfirmSetsThePasswordAndSaysHowManySessionsEnded) {
  auth::v1::ConfirmPasswordResetResponse reply;
  reply.set_sessions_ended(4);
  auth_.confirm_password_reset.reply_with(reply);
  auto confirmed =
      send("POST", "/api/password/reset/confirm/",
           {{"token", "mailed-token"}, {"new_password", "New-pass-456"}, {"re_new_password", "New-pass-456"}});
  ASSERT_EQ(confirmed.status, 200) << confirmed.text;
  EXPECT_EQ(confirmed.body, json({{"detail", "Password has been reset."}, {"sessions_ended", 4}}));
  auto sent = auth_.confirm_password_reset.last_request();
  EXPECT_EQ(sent.token(), "mailed-token");
  EXPECT_EQ(sent.new_password(), "New-pass-456");
  EXPECT_EQ(sent.re_new_password(), "New-pass-456");
  EXPECT_FALSE(sent.has_uid());

  ASSERT_EQ(send("POST", "/api/password/reset/confirm/", {{"uid", "Nw"}, {"token", "t"}, {"new_password", "p"}}).status,
            200);
  EXPECT_EQ(auth_.confirm_password_reset.last_request().uid(), "Nw");
  EXPECT_FALSE(auth_.confirm_password_reset.last_request().has_re_new_password());

  auth_.confirm_password_reset.fail_with(
      common::invalid_argument({{"token", {"Invalid or expired password reset token."}}}));
  auto stale = send("POST", "/api/password/reset/confirm/", {{"token", "old"}, {"new_password", "p"}});
  EXPECT_EQ(stale.status, 400);
  EXPECT_EQ(stale.body, json({{"token", {"Invalid or expired password reset token."}}}));
}

TEST_F(AccountRoutesTest, VerifyEmailForwardsTheMailedToken) {
  auto verified = send("POST", "/api/verify-email/", {{"token", "mailed"}});
  ASSERT_EQ(verified.status, 200);
  EXPECT_EQ(verified.body, json({{"message", "Email address verified."}}));
  EXPECT_EQ(auth_.verify_email.last_request().token(), "mailed");
  EXPECT_EQ(auth_.verify_email.last_request().uid(), "");
  EXPECT_EQ(send("POST", "/api/verify-email/", json::object()).body, json({{"token", kRequired}}));

  auth_.verify_email.fail_with(common::invalid_argument({{"token", {"Invalid or expired verification token."}}}));
  auto again = send("POST", "/api/verify-email/", {{"token", "mailed"}});
  EXPECT_EQ(again.status, 400);
  EXPECT_EQ(again.body, json({{"token", {"Invalid or expired verification token."}}}));
}

TEST_F(AccountRoutesTest, ResendingVerificationAnswersTheSameWhateverTheAddress) {
  auto resent = send("POST", "/api/verify-email/resend/", {{"email", "mona@example.com"}});
  ASSERT_EQ(resent.status, 200) << resent.text;
  EXPECT_EQ(resent.body,
            json({{"detail", "If this address is waiting for verification, a new link has been sent to it."}}));
  EXPECT_EQ(auth_.resend_verification.last_request().email(), "mona@example.com");
  EXPECT_EQ(send("POST", "/api/verify-email/resend/", {{"email", nullptr}}).body,
            json({{"email", {"This field may not be null."}}}));
  EXPECT_EQ(auth_.resend_verification.calls(), 1u);
}

TEST_F(AccountRoutesTest, CookieCarryingAccountWritesNeedTheCsrfHeader) {
  httplib::Headers cookies = {{"Cookie", "csrftoken=t0ken"}};
  EXPECT_EQ(send("POST", "/api/password/reset/", {{"email", "m@example.com"}}, {}, cookies).status, 403);
  EXPECT_EQ(send("DELETE", "/api/me/", {{"current_password", "p"}}, access_, cookies).status, 403);
  EXPECT_EQ(send("PATCH", "/api/me/", {{"name", "n"}}, access_, cookies).status, 403);
  EXPECT_EQ(auth_.request_password_reset.calls(), 0u);
  EXPECT_EQ(auth_.delete_me.calls(), 0u);
  EXPECT_EQ(auth_.update_me.calls(), 0u);
  cookies.emplace("X-CSRF-Token", "t0ken");
  EXPECT_EQ(send("POST", "/api/password/reset/", {{"email", "m@example.com"}}, {}, cookies).status, 200);
}

}  // namespace
}  // namespace gateway_test
