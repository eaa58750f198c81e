// djoser 2's endpoints at /auth/ (djoser_routes.cpp), with its default settings: the field
// names, statuses and shapes a djoser client expects, on the same RPCs as the canonical routes.
#include "tests/gateway/gateway_fixture.hpp"

#include "common/grpc/grpc_errors.hpp"

namespace gateway_test {
namespace {

class DjoserRoutesTest : public GatewayTest {
 protected:
  void SetUp() override {
    GatewayTest::SetUp();
    access_ = tokens_.access();
    auth::v1::LoginResponse login;
    *login.mutable_user() = sample_user(7, "alice", "alice@example.com", "Alice");
    *login.mutable_tokens() = token_pair("access-1", "refresh-1");
    auth_.login.reply_with(login);
  }
  // An answer djoser gives as 204: no body at all.
  static void expect_no_content(const Reply& reply) {
    EXPECT_EQ(reply.status, 204) << reply.text;
    EXPECT_EQ(reply.text, "");
    EXPECT_FALSE(reply.has_header("Content-Type"));
  }
  std::string access_;
};

const json kRequired = {"This field is required."};
const std::string kForm = "application/x-www-form-urlencoded";

TEST_F(DjoserRoutesTest, UserCreateAnswersDjosersFieldsAndChecksTheRetypedPassword) {
  auth::v1::RegisterResponse reply;
  *reply.mutable_user() = sample_user(9, "mona", "mona@example.com", "Mona");
  *reply.mutable_tokens() = token_pair("access-9", "refresh-9");
  auth_.register_user.reply_with(reply);
  auto created = send("POST", "/auth/users/",
                      {{"username", "mona"}, {"email", "mona@example.com"}, {"password", "Mona-pass-123"}});
  ASSERT_EQ(created.status, 201) << created.text;
  EXPECT_EQ(created.body, json({{"id", 9}, {"username", "mona"}, {"email", "mona@example.com"}}));
  auto sent = auth_.register_user.last_request();
  EXPECT_EQ(sent.username(), "mona");
  EXPECT_EQ(sent.email(), "mona@example.com");
  EXPECT_EQ(sent.password(), "Mona-pass-123");
  EXPECT_FALSE(sent.has_password2());
  EXPECT_TRUE(sent.without_session());  // djoser's answer carries no tokens: no session nobody holds

  // re_password is our password2; password2 itself is no djoser field.
  auto retyped =
      send("POST", "/auth/users/", "username=mona&password=pw-1&re_password=pw-1&password2=other", {}, {}, kForm);
  ASSERT_EQ(retyped.status, 201) << retyped.text;
  EXPECT_EQ(auth_.register_user.last_request().password2(), "pw-1");

  auto mismatch = send("POST", "/auth/users/", {{"username", "mona"}, {"password", "pw-1"}, {"re_password", "pw-2"}});
  EXPECT_EQ(mismatch.status, 400);
  EXPECT_EQ(mismatch.body, json({{"non_field_errors", {"The two password fields didn't match."}}}));
  EXPECT_EQ(auth_.register_user.calls(), 2u);

  auth_.register_user.fail_with(
      common::invalid_argument({{"username", {"A user with that username already exists."}}}));
  auto taken = send("POST", "/auth/users/", {{"username", "mona"}, {"password", "pw-1"}});
  EXPECT_EQ(taken.status, 400);
  EXPECT_EQ(taken.body, json({{"username", {"A user with that username already exists."}}}));
}

TEST_F(DjoserRoutesTest, UsersMeReadsUpdatesAndDeletesTheCaller) {
  const json kMona = {{"id", 7}, {"username", "mona"}, {"email", "mona@example.com"}, {"name", "Mona"}};
  auth::v1::GetMeResponse me_reply;
  *me_reply.mutable_user() = sample_user(7, "mona", "mona@example.com", "Mona");
  auth_.get_me.reply_with(me_reply);
  auto me = send("GET", "/auth/users/me/", nullptr, access_);
  ASSERT_EQ(me.status, 200) << me.text;
  EXPECT_EQ(me.body, kMona);
  EXPECT_EQ(auth_.get_me.last_metadata("authorization"), "Bearer " + access_);

  auth::v1::UpdateMeResponse updated;
  *updated.mutable_user() = sample_user(7, "mona", "mona@example.com", "Mona");
  auth_.update_me.reply_with(updated);
  for (const char* method : {"PUT", "PATCH"}) {
    auto reply = send(method, "/auth/users/me/", {{"email", "m@new.example"}, {"username", "ignored"}}, access_);
    ASSERT_EQ(reply.status, 200) << method << reply.text;
    EXPECT_EQ(reply.body, kMona) << method;
    EXPECT_EQ(auth_.update_me.last_request().email(), "m@new.example") << method;
    EXPECT_FALSE(auth_.update_me.last_request().has_username()) << "djoser's LOGIN_FIELD is read-only";
  }

  expect_no_content(send("DELETE", "/auth/users/me/", {{"current_password", "Mona-pass-123"}}, access_));
  EXPECT_EQ(auth_.delete_me.last_request().current_password(), "Mona-pass-123");
  auth_.delete_me.fail_with(common::invalid_argument({{"current_password", {"Invalid password."}}}));
  auto wrong = send("DELETE", "/auth/users/me/", {{"current_password", "nope"}}, access_);
  EXPECT_EQ(wrong.status, 400);
  EXPECT_EQ(wrong.body, json({{"current_password", {"Invalid password."}}}));

  for (const char* method : {"GET", "PUT", "PATCH", "DELETE"}) {
    EXPECT_EQ(send(method, "/auth/users/me/", json::object()).status, 401) << method;
  }
  EXPECT_EQ(auth_.get_me.calls(), 1u);
  EXPECT_EQ(auth_.update_me.calls(), 2u);
  EXPECT_EQ(auth_.delete_me.calls(), 2u);
}

TEST_F(DjoserRoutesTest, SetPasswordAnswers204) {
  expect_no_content(
      send("POST", "/auth/users/set_password/",
           {{"current_password", "old"}, {"new_password", "New-pass-1"}, {"re_new_password", "New-pass-1"}}, access_));
  auto sent = auth_.change_password.last_request();
  EXPECT_EQ(sent.current_password(), "old");
  EXPECT_EQ(sent.new_password(), "New-pass-1");
  EXPECT_EQ(sent.re_new_password(), "New-pass-1");
  EXPECT_EQ(auth_.change_password.last_metadata("authorization"), "Bearer " + access_);
  EXPECT_EQ(send("POST", "/auth/users/set_password/", {{"current_password", "old"}}).status, 401);

  auth_.change_password.fail_with(
      common::invalid_argument({{"non_field_errors", {"The two password fields didn't match."}}}));
  auto mismatch = send("POST", "/auth/users/set_password/",
                       {{"current_password", "old"}, {"new_password", "a"}, {"re_new_password", "b"}}, access_);
  EXPECT_EQ(mismatch.status, 400);
  EXPECT_EQ(mismatch.body, json({{"non_field_errors", {"The two password fields didn't match."}}}));
}

TEST_F(DjoserRoutesTest, ResetPasswordAndItsConfirmationAnswer204) {
  expect_no_content(send("POST", "/auth/users/reset_password/", {{"email", "mona@example.com"}}));
  EXPECT_EQ(auth_.request_password_reset.last_request().email(), "mona@example.com");

  expect_no_content(send("POST", "/auth/users/reset_password_confirm/",
                         "uid=Nw&token=set-abc&new_password=New-pass-1&re_new_password=New-pass-1", {}, {}, kForm));
  auto sent = auth_.confirm_password_reset.last_request();
  EXPECT_EQ(sent.uid(), "Nw");
  EXPECT_EQ(sent.token(), "set-abc");
  EXPECT_EQ(sent.new_password(), "New-pass-1");
  EXPECT_EQ(sent.re_new_password(), "New-pass-1");

  // djoser requires uid and token; ours would take a token alone.
  auto missing = send("POST", "/auth/users/reset_password_confirm/", {{"token", ""}, {"new_password", "p"}});
  EXPECT_EQ(missing.status, 400);
  EXPECT_EQ(missing.body, json({{"uid", kRequired}, {"token", {"This field may not be blank."}}}));
  EXPECT_EQ(auth_.confirm_password_reset.calls(), 1u);

  auth_.confirm_password_reset.fail_with(common::invalid_argument({{"token", {"Invalid token for given user."}}}));
  auto stale =
      send("POST", "/auth/users/reset_password_confirm/", {{"uid", "Nw"}, {"token", "t"}, {"new_password", "p"}});
  EXPECT_EQ(stale.status, 400);
  EXPECT_EQ(stale.body, json({{"token", {"Invalid token for given user."}}}));
}

TEST_F(DjoserRoutesTest, ActivationAndItsResendingAnswer204) {
  expect_no_content(send("POST", "/auth/users/activation/", {{"uid", "Nw"}, {"token", "mailed"}}));
  EXPECT_EQ(auth_.verify_email.last_request().uid(), "Nw");
  EXPECT_EQ(auth_.verify_email.last_request().token(), "mailed");
  auto missing = send("POST", "/auth/users/activation/", {{"token", "mailed"}});
  EXPECT_EQ(missing.status, 400);
  EXPECT_EQ(missing.body, json({{"uid", kRequired}}));
  EXPECT_EQ(auth_.verify_email.calls(), 1u);
  auth_.verify_email.fail_with(common::invalid_argument({{"uid", {"Invalid user id or user doesn't exist."}}}));
  EXPECT_EQ(send("POST", "/auth/users/activation/", {{"uid", "x"}, {"token", "t"}}).body,
            json({{"uid", {"Invalid user id or user doesn't exist."}}}));

  expect_no_content(send("POST", "/auth/users/resend_activation/", {{"email", "mona@example.com"}}));
  EXPECT_EQ(auth_.resend_verification.last_request().email(), "mona@example.com");
}

TEST_F(DjoserRoutesTest, JwtEndpointsAreSimplejwtsViews) {
  auto created = send("POST", "/auth/jwt/create/", {{"username", "alice"}, {"password", "pw"}});
  ASSERT_EQ(created.status, 200) << created.text;
  EXPECT_EQ(created.body, json({{"access", "access-1"}, {"refresh", "refresh-1"}}));
  EXPECT_EQ(auth_.login.last_request().username(), "alice");
  EXPECT_EQ(send("POST", "/auth/jwt/create", {{"email", "alice@example.com"}, {"password", "pw"}}).status, 200);
  EXPECT_EQ(auth_.login.last_request().email(), "alice@example.com");

  auth::v1::RefreshResponse refreshed;
  *refreshed.mutable_tokens() = token_pair("access-2", "refresh-2");
  auth_.refresh.reply_with(refreshed);
  auto rotated = send("POST", "/auth/jwt/refresh/", {{"refresh", "refresh-1"}});
  ASSERT_EQ(rotated.status, 200) << rotated.text;
  EXPECT_EQ(rotated.body, json({{"access", "access-2"}, {"refresh", "refresh-2"}}));
  EXPECT_EQ(auth_.refresh.last_request().refresh(), "refresh-1");
  EXPECT_EQ(send("POST", "/auth/jwt/refresh/", json::object()).body, json({{"refresh", kRequired}}));

  auto verified = send("POST", "/auth/jwt/verify/", {{"token", "some-token"}});
  ASSERT_EQ(verified.status, 200);
  EXPECT_EQ(verified.body, json::object());
  EXPECT_EQ(auth_.verify.last_request().token(), "some-token");
  auth_.verify.fail_with(
      common::status_with_reason(grpc::StatusCode::UNAUTHENTICATED, "Token is invalid or expired", "token_not_valid"));
  auto refused = send("POST", "/auth/jwt/verify/", {{"token", "bad"}});
  EXPECT_EQ(refused.status, 401);
  EXPECT_EQ(refused.body, json({{"detail", "Token is invalid or expired"}, {"code", "token_not_valid"}}));
}

TEST_F(DjoserRoutesTest, SeedFourRoutesUnderAuthStillAnswer) {
  auto login = send("POST", "/auth/login", {{"email", "alice@example.com"}, {"password", "pw"}});
  ASSERT_EQ(login.status, 200) << login.text;
  EXPECT_EQ(login.body, json({{"id", 7},
                              {"email", "alice@example.com"},
                              {"name", "Alice"},
                              {"tokens", {{"refresh", "refresh-1"}, {"access", "access-1"}}}}));
  EXPECT_EQ(send("POST", "/auth/logout", {{"refresh", "refresh-1"}}).status, 200);
  EXPECT_EQ(send("GET", "/auth/csrf/").status, 200);
  // djoser's list of users is not mounted: nothing at GET /auth/users/.
  EXPECT_EQ(send("GET", "/auth/users/", nullptr, access_).status, 405);
}

}  // namespace
}  // namespace gateway_test
