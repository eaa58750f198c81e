// The auth routes and their seed aliases: each row's request fields, the RPC it calls and the
// answer's shape (API.md), forwarded to the fake auth service.
#include "tests/gateway/gateway_fixture.hpp"

#include "common/grpc/grpc_errors.hpp"

namespace gateway_test {
namespace {

class AuthRoutesTest : public GatewayTest {
 protected:
  void SetUp() override {
    GatewayTest::SetUp();
    auth::v1::LoginResponse login;
    *login.mutable_user() = sample_user(7, "alice", "alice@example.com", "Alice");
    *login.mutable_tokens() = token_pair("access-1", "refresh-1");
    auth_.login.reply_with(login);
    auth::v1::RefreshResponse refreshed;
    *refreshed.mutable_tokens() = token_pair("access-2", "refresh-2");
    auth_.refresh.reply_with(refreshed);
  }
};

const json kRequired = {"This field is required."};

TEST_F(AuthRoutesTest, RegisterAnswersTheUnionOfTheSeedShapes) {
  auth::v1::RegisterResponse reply;
  *reply.mutable_user() = sample_user(9, "mona", "mona@example.com", "Mona");
  *reply.mutable_tokens() = token_pair("access-9", "refresh-9");
  auth_.register_user.reply_with(reply);
  auto registered = send("POST", "/api/register/",
                         {{"username", "mona"},
                          {"email", "mona@example.com"},
                          {"name", "Mona"},
                          {"password", "Mona-pass-123"},
                          {"password2", "Mona-pass-124"}});
  ASSERT_EQ(registered.status, 201) << registered.text;
  EXPECT_EQ(registered.body, json({{"id", 9},
                                   {"user_id", 9},
                                   {"username", "mona"},
                                   {"email", "mona@example.com"},
                                   {"name", "Mona"},
                                   {"is_error", 0},
                                   {"message", "success"},
                                   {"access", "access-9"},
                                   {"refresh", "refresh-9"}}));
  auto sent = auth_.register_user.last_request();
  EXPECT_EQ(sent.username(), "mona");
  EXPECT_EQ(sent.email(), "mona@example.com");
  EXPECT_EQ(sent.name(), "Mona");
  EXPECT_EQ(sent.password(), "Mona-pass-123");
  EXPECT_EQ(sent.password2(), "Mona-pass-124");
  EXPECT_EQ(auth_.register_user.last_metadata("authorization"), "");

  // No tokens when registering does not log in; an admin's bearer is passed on unverified
  // (admin-only registration is auth's decision).
  reply.clear_tokens();
  auth_.register_user.reply_with(reply);
  auto without_tokens =
      send("POST", "/api/register/", {{"email", "mona@example.com"}, {"password", "p"}}, "admin-token");
  ASSERT_EQ(without_tokens.status, 201);
  EXPECT_FALSE(without_tokens.body.contains("access"));
  EXPECT_FALSE(without_tokens.body.contains("refresh"));
  EXPECT_EQ(auth_.register_user.last_metadata("authorization"), "Bearer admin-token");
  EXPECT_FALSE(auth_.register_user.last_request().has_username());
}

// gRPC cannot carry other bytes in a text header, and answers an attempt by ending the
// process: an unverified bearer with them is no token of ours, and is not passed on.
TEST_F(AuthRoutesTest, AnUnverifiedBearerGrpcCannotCarryIsNotPassedOn) {
  auth::v1::RegisterResponse reply;
  *reply.mutable_user() = sample_user(9, "mona", "");
  auth_.register_user.reply_with(reply);
  for (const std::string bearer : {"caf\xC3\xA9", "a\tb"}) {
    auto registered = send("POST", "/api/register/", {{"username", "mona"}, {"password", "p"}}, bearer);
    EXPECT_EQ(registered.status, 201) << registered.text;
    EXPECT_EQ(auth_.register_user.last_metadata("authorization"), "");
  }
  EXPECT_EQ(auth_.register_user.calls(), 2u);
  EXPECT_EQ(send("GET", "/healthz").status, 200) << "the gateway is still up";
}

TEST_F(AuthRoutesTest, SeedThreeRegistersWithUsernameAndPasswordOnly) {
  auth::v1::RegisterResponse reply;
  *reply.mutable_user() = sample_user(3, "tasker", "");
  auth_.register_user.reply_with(reply);
  auto registered = send("POST", "/tasks/register/",
                         {{"username", "tasker"}, {"password", "Tasker-pass-1"}, {"email", "ignored@example.com"}});
  ASSERT_EQ(registered.status, 201) << registered.text;
  EXPECT_EQ(registered.body, json({{"message", "User registered successfully"}}));
  auto sent = auth_.register_user.last_request();
  EXPECT_EQ(sent.username(), "tasker");
  EXPECT_EQ(sent.password(), "Tasker-pass-1");
  EXPECT_FALSE(sent.has_email());
  EXPECT_TRUE(sent.without_session());

  auth_.register_user.fail_with(
      common::invalid_argument({{"username", {"A user with that username already exists."}}}));
  auto again = send("POST", "/tasks/register/", {{"username", "tasker"}, {"password", "Tasker-pass-1"}});
  EXPECT_EQ(again.status, 400);
  EXPECT_EQ(again.body, json({{"username", {"A user with that username already exists."}}}));
}

TEST_F(AuthRoutesTest, LoginAliasesAnswerInTheirSeedsShapes) {
  auto token = send("POST", "/api/token/", {{"username", "alice"}, {"password", "pw"}});
  ASSERT_EQ(token.status, 200) << token.text;
  EXPECT_EQ(token.body, json({{"access", "access-1"}, {"refresh", "refresh-1"}}));
  EXPECT_EQ(auth_.login.last_request().username(), "alice");
  EXPECT_EQ(auth_.login.last_request().password(), "pw");
  EXPECT_FALSE(auth_.login.last_request().has_email());

  auto seed_one = send("POST", "/api/auth/token/", {{"email", "alice@example.com"}, {"password", "pw"}});
  ASSERT_EQ(seed_one.status, 200);
  EXPECT_EQ(seed_one.body, json({{"access_token", "access-1"}, {"refresh_token", "refresh-1"}}));
  EXPECT_EQ(auth_.login.last_request().email(), "alice@example.com");
  EXPECT_FALSE(auth_.login.last_request().has_username());

  auto seed_zero = send("POST", "/api/login", {{"email", "alice@example.com"}, {"password", "pw"}});
  ASSERT_EQ(seed_zero.status, 200);
  EXPECT_EQ(seed_zero.body,
            json({{"email", "alice@example.com"}, {"token", {{"refresh", "refresh-1"}, {"access", "access-1"}}}}));

  // Form-encoded like a plain HTML form.
  auto form = send("POST", "/api/token/", "username=alice&password=p%26w", {}, {}, "application/x-www-form-urlencoded");
  ASSERT_EQ(form.status, 200);
  EXPECT_EQ(auth_.login.last_request().password(), "p&w");
  EXPECT_EQ(auth_.login.calls(), 4u);

  auto bad_type = send("POST", "/api/token/", {{"username", {{"$ne", ""}}}, {"password", "pw"}});
  EXPECT_EQ(bad_type.status, 400);
  EXPECT_EQ(bad_type.body, json({{"username", {"Not a valid string."}}}));
  EXPECT_EQ(auth_.login.calls(), 4u);
}

TEST_F(AuthRoutesTest, FailedAndThrottledLoginsKeepAuthsAnswer) {
  auth_.login.fail_with(
      grpc::Status(grpc::StatusCode::UNAUTHENTICATED, "No active account found with the given credentials"));
  auto wrong = send("POST", "/api/token/", {{"username", "alice"}, {"password", "nope"}});
  EXPECT_EQ(wrong.status, 401);
  // simplejwt puts no code on a failed login.
  EXPECT_EQ(wrong.body, json({{"detail", "No active account found with the given credentials"}}));
  EXPECT_EQ(wrong.header("WWW-Authenticate"), "Bearer realm=\"api\"");

  auth_.login.fail_with(common::resource_exhausted("Too many attempts.", std::chrono::seconds(42)));
  auto throttled = send("POST", "/api/login/", {{"username", "alice"}, {"password", "nope"}});
  EXPECT_EQ(throttled.status, 429);
  EXPECT_EQ(throttled.body, json({{"detail", "Request was throttled."}}));
  EXPECT_EQ(throttled.header("Retry-After"), "42");
}

TEST_F(AuthRoutesTest, RefreshAliasesRotateInTheirSeedsShapes) {
  auto refreshed = send("POST", "/api/token/refresh/", {{"refresh", "refresh-1"}});
  ASSERT_EQ(refreshed.status, 200) << refreshed.text;
  EXPECT_EQ(refreshed.body, json({{"access", "access-2"}, {"refresh", "refresh-2"}}));
  EXPECT_EQ(auth_.refresh.last_request().refresh(), "refresh-1");

  auto seed_one = send("POST", "/api/auth/token/refresh/", {{"refresh_token", "refresh-x"}});
  ASSERT_EQ(seed_one.status, 200);
  EXPECT_EQ(seed_one.body, json({{"access_token", "access-2"}, {"refresh_token", "refresh-2"}}));
  EXPECT_EQ(auth_.refresh.last_request().refresh(), "refresh-x");

  EXPECT_EQ(send("POST", "/api/auth/token/refresh/", {{"refresh", "refresh-x"}}).body,
            json({{"refresh_token", kRequired}}));
  EXPECT_EQ(send("POST", "/api/token/refresh/", json::object()).body, json({{"refresh", kRequired}}));
  auto blank = send("POST", "/api/token/refresh/", {{"refresh", ""}});
  EXPECT_EQ(blank.status, 400);
  EXPECT_EQ(blank.body, json({{"refresh", {"This field may not be blank."}}}));
  EXPECT_EQ(auth_.refresh.calls(), 2u);

  auth_.refresh.fail_with(
      common::status_with_reason(grpc::StatusCode::UNAUTHENTICATED, "Token is invalid or expired", "token_not_valid"));
  auto reused = send("POST", "/api/token/refresh/", {{"refresh", "refresh-1"}});
  EXPECT_EQ(reused.status, 401);
  EXPECT_EQ(reused.body, json({{"detail", "Token is invalid or expired"}, {"code", "token_not_valid"}}));
  // Without cookie mode no cookie is set, and none is read.
  EXPECT_EQ(set_cookie(refreshed, "refresh_token"), "");
  auto cookie_only = send("POST", "/api/token/refresh/", json::object(), {}, {{"Cookie", "refresh_token=r"}});
  EXPECT_EQ(cookie_only.status, 403) << "a cookie-carrying write needs the CSRF header";
}

TEST_F(AuthRoutesTest, VerifyAnswersAnEmptyObjectOr401) {
  auto verified = send("POST", "/api/token/verify/", {{"token", "some-token"}});
  ASSERT_EQ(verified.status, 200);
  EXPECT_EQ(verified.body, json::object());
  EXPECT_EQ(auth_.verify.last_request().token(), "some-token");
  EXPECT_EQ(send("POST", "/api/token/verify/", json::object()).body, json({{"token", kRequired}}));

  auth_.verify.fail_with(
      common::status_with_reason(grpc::StatusCode::UNAUTHENTICATED, "Token is blacklisted", "token_not_valid"));
  auto refused = send("POST", "/api/token/verify/", {{"token", "revoked"}});
  EXPECT_EQ(refused.status, 401);
  EXPECT_EQ(refused.body, json({{"detail", "Token is blacklisted"}, {"code", "token_not_valid"}}));
}

TEST_F(AuthRoutesTest, LogoutAliasesRevokeTheRefreshAndThePresentedAccessToken) {
  auto out = send("POST", "/api/logout/", {{"refresh", "refresh-1"}}, "access-1");
  ASSERT_EQ(out.status, 200) << out.text;
  EXPECT_EQ(out.body, json({{"message", "Successfully logged out"}}));
  EXPECT_EQ(auth_.logout.last_request().refresh(), "refresh-1");
  EXPECT_EQ(auth_.logout.last_request().access(), "access-1");

  auto seed_one = send("POST", "/api/auth/logout/", {{"refresh_token", "refresh-2"}});
  ASSERT_EQ(seed_one.status, 200);
  EXPECT_EQ(seed_one.body, json({{"message", "Successfully logged out."}}));
  EXPECT_EQ(auth_.logout.last_request().refresh(), "refresh-2");
  EXPECT_EQ(auth_.logout.last_request().access(), "");

  auto seed_four = send("POST", "/auth/logout", {{"refresh", "refresh-3"}});
  EXPECT_EQ(seed_four.body, json({{"message", "Successfully logged out"}}));
  EXPECT_EQ(send("POST", "/api/auth/logout/", {{"refresh", "r"}}).body, json({{"refresh_token", kRequired}}));
  EXPECT_EQ(auth_.logout.calls(), 3u);
}

TEST_F(AuthRoutesTest, TheJwksIsPublicAndCacheable) {
  auto jwks = send("GET", "/.well-known/jwks.json");
  ASSERT_EQ(jwks.status, 200);
  EXPECT_EQ(jwks.header("Cache-Control"), "public, max-age=300");
  EXPECT_FALSE(jwks.has_header("Pragma"));
  ASSERT_EQ(jwks.body["keys"].size(), 1u);
  auto key = tokens_.jwks().keys(0);
  EXPECT_EQ(jwks.body["keys"][0], json({{"kty", key.kty()},
                                        {"crv", key.crv()},
                                        {"x", key.x()},
                                        {"y", key.y()},
                                        {"kid", key.kid()},
                                        {"alg", key.alg()},
                                        {"use", key.use()}}));
}

}  // namespace
}  // namespace gateway_test
