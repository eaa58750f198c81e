// Token lifecycles across the real stack: logout and reuse revoke access tokens at the gateway
// and at the content service, refresh rotation, email verification, imported Django users,
// a Redis restart and a signing-key rotation.
#include "common/jwt/jwt.hpp"
#include "common/redis/redis_client.hpp"
#include "content/v1/content.grpc.pb.h"
#include "e2e/stack.hpp"

#include <grpcpp/grpcpp.h>

#include <fstream>

namespace {

using e2e::json;
using e2e::Reply;
using e2e::Stack;

class AuthLifecycleTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    stack_ = new Stack(e2e::Env{{"JWT_REFRESH_REUSE_GRACE_SECONDS", "1"},
                                {"EMAIL_VERIFICATION_URL", "http://localhost:5173/verify-email?token={token}"}},
                       {{"GATEWAY_REFRESH_COOKIE", "true"}, {"GATEWAY_COOKIE_SECURE", "false"}});
    ASSERT_TRUE(stack_->ready()) << stack_->logs();
  }
  static void TearDownTestSuite() {
    delete stack_;
    stack_ = nullptr;
  }

  static Reply send(const std::string& method, const std::string& path, const json& body = nullptr,
                    const std::string& token = {}, int port = 0) {
    return stack_->send(method, path, body, token, {}, "application/json", port);
  }

  // Registers `username` and logs in; returns {"access", "refresh"}.
  static json session(const std::string& username, const std::string& password = "Lifecycle-pass-1") {
    auto registered = send("POST", "/api/register/", {{"username", username}, {"password", password}});
    EXPECT_EQ(registered.status, 201) << registered.body.dump();
    auto login = send("POST", "/api/token/", {{"username", username}, {"password", password}});
    EXPECT_EQ(login.status, 200) << login.body.dump();
    return login.body;
  }

  static grpc::StatusCode content_direct(const std::string& access) { return stack_->content_direct(access); }
  static bool refused_everywhere_within_a_second(const std::string& access, int port = 0) {
    return stack_->refused_everywhere_within_a_second(access, port);
  }

  static Stack* stack_;
};

Stack* AuthLifecycleTest::stack_ = nullptr;

TEST_F(AuthLifecycleTest, LogoutRevokesTheAccessTokenAtTheGatewayAndAtContentWithinASecond) {
  auto tokens = session("lena");
  std::string access = tokens["access"];
  ASSERT_EQ(send("GET", "/api/posts/", nullptr, access).status, 200);
  ASSERT_EQ(content_direct(access), grpc::StatusCode::OK);
  // Seed 001's logout sends only the refresh token: the family's revocation reaches the access
  // token issued with it.
  auto out = send("POST", "/api/auth/logout/", {{"refresh_token", tokens["refresh"]}});
  ASSERT_EQ(out.status, 200) << out.body.dump();
  EXPECT_EQ(out.body, json({{"message", "Successfully logged out."}}));
  EXPECT_TRUE(refused_everywhere_within_a_second(access));
  auto refused = send("GET", "/api/posts/", nullptr, access);
  EXPECT_EQ(refused.body["code"], "token_not_valid");
  // Another session of the same user is untouched.
  auto other = send("POST", "/api/token/", {{"username", "lena"}, {"password", "Lifecycle-pass-1"}});
  EXPECT_EQ(send("GET", "/api/posts/", nullptr, other.body["access"]).status, 200);
}

TEST_F(AuthLifecycleTest, ChangingThePasswordEndsTheOtherSessionsEverywhereWithinASecond) {
  auto mine = session("pia");
  auto phone = send("POST", "/api/token/", {{"username", "pia"}, {"password", "Lifecycle-pass-1"}});
  ASSERT_EQ(phone.status, 200);
  std::string phone_access = phone.body["access"];
  ASSERT_EQ(send("GET", "/api/posts/", nullptr, phone_access).status, 200);

  auto changed = send("POST", "/api/password/change/",
                      {{"current_password", "Lifecycle-pass-1"}, {"new_password", "Changed-pass-2"}}, mine["access"]);
  ASSERT_EQ(changed.status, 200) << changed.body.dump();
  EXPECT_EQ(changed.body, json({{"detail", "Password changed."}, {"sessions_ended", 2}}));  // phone + registration
  EXPECT_TRUE(refused_everywhere_within_a_second(phone_access));
  EXPECT_EQ(send("POST", "/api/token/refresh/", {{"refresh", phone.body["refresh"]}}).status, 401);
  // This session goes on; only the new password logs in.
  EXPECT_EQ(send("GET", "/api/posts/", nullptr, mine["access"]).status, 200);
  EXPECT_EQ(send("POST", "/api/token/", {{"username", "pia"}, {"password", "Lifecycle-pass-1"}}).status, 401);
  EXPECT_EQ(send("POST", "/api/token/", {{"username", "pia"}, {"password", "Changed-pass-2"}}).status, 200);
}

TEST_F(AuthLifecycleTest, TwoTabsGetTheSamePairAndLaterReuseKillsTheWholeFamily) {
  auto tokens = session("rita");
  auto tab1 = send("POST", "/api/token/refresh/", {{"refresh", tokens["refresh"]}});
  auto tab2 = send("POST", "/api/token/refresh/", {{"refresh", tokens["refresh"]}});
  ASSERT_EQ(tab1.status, 200) << tab1.body.dump();
  ASSERT_EQ(tab2.status, 200) << tab2.body.dump();
  EXPECT_EQ(tab1.body, tab2.body);
  EXPECT_NE(tab1.body["refresh"], tokens["refresh"]);

  // Once the 1 s grace window is over, presenting the rotated token again is reuse.
  Reply reuse;
  ASSERT_TRUE(test_support::wait_until(std::chrono::seconds(5), [&] {
    reuse = send("POST", "/api/token/refresh/", {{"refresh", tokens["refresh"]}});
    return reuse.status != 200;
  }));
  EXPECT_EQ(reuse.status, 401);
  EXPECT_EQ(reuse.body["code"], "token_not_valid");
  EXPECT_EQ(send("POST", "/api/token/refresh/", {{"refresh", tab1.body["refresh"]}}).status, 401);
  EXPECT_TRUE(refused_everywhere_within_a_second(tab1.body["access"]));
  EXPECT_TRUE(refused_everywhere_within_a_second(tokens["access"]));
}

TEST_F(AuthLifecycleTest, MeAndJwksDescribeTheCallerAndTheKeys) {
  auto registered = send("POST", "/api/register/",
                         {{"username", "mona"},
                          {"email", "mona@example.com"},
                          {"name", "Mona"},
                          {"password", "Mona-pass-123"},
                          {"password2", "Mona-pass-123"}});
  ASSERT_EQ(registered.status, 201) << registered.body.dump();
  for (const char* field : {"id", "user_id", "username", "email", "name", "access", "refresh", "is_error", "message"}) {
    EXPECT_TRUE(registered.body.contains(field)) << field;
  }
  auto me = send("GET", "/api/me/", nullptr, registered.body["access"]);
  ASSERT_EQ(me.status, 200) << me.body.dump();
  EXPECT_EQ(me.body["id"], registered.body["id"]);
  EXPECT_EQ(me.body["username"], "mona");
  EXPECT_EQ(me.body["name"], "Mona");
  EXPECT_EQ(me.body["email_verified"], false);
  EXPECT_TRUE(std::regex_match(me.body["date_joined"].get<std::string>(),
                               std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z)")));
  EXPECT_EQ(send("GET", "/api/me/").status, 401);

  auto jwks = stack_->client().Get("/.well-known/jwks.json");
  ASSERT_TRUE(jwks);
  ASSERT_EQ(jwks->status, 200);
  EXPECT_EQ(jwks->get_header_value("Cache-Control"), "public, max-age=300");
  auto keys = json::parse(jwks->body)["keys"];
  ASSERT_EQ(keys.size(), 1u);
  EXPECT_EQ(keys[0]["kid"], common::jwt::SigningKey::from_pem_file(stack_->key_file_).kid());
  EXPECT_FALSE(keys[0].contains("d"));
}

TEST_F(AuthLifecycleTest, TheMailedTokenVerifiesTheEmailOnce) {
  auto registered = send("POST", "/api/register/", {{"email", "nina@example.com"}, {"password", "Nina-pass-123"}});
  ASSERT_EQ(registered.status, 201) << registered.body.dump();
  std::string token = stack_->mailed_token("nina@example.com");
  ASSERT_EQ(token.size(), 64u) << stack_->auth_->log();
  auto verified = send("POST", "/api/verify-email/", {{"token", token}});
  ASSERT_EQ(verified.status, 200) << verified.body.dump();
  EXPECT_TRUE(verified.body.contains("message"));
  EXPECT_EQ(send("GET", "/api/me/", nullptr, registered.body["access"]).body["email_verified"], true);
  auto again = send("POST", "/api/verify-email/", {{"token", token}});
  EXPECT_EQ(again.status, 400);
  EXPECT_EQ(again.body, json({{"token", {"Invalid or expired verification token."}}}));
  EXPECT_EQ(send("POST", "/api/verify-email/", json::object()).status, 400);
}

TEST_F(AuthLifecycleTest, SeedTwoRegistrationAndTokenFlow) {
  // Seed 002 documents admin/admin; Django's default validators refuse it, and so do we.
  auto weak = send("POST", "/api/register/", {{"username", "admin"}, {"password", "admin"}});
  ASSERT_EQ(weak.status, 400);
  EXPECT_EQ(weak.body["password"], json({"The password is too similar to the username.",
                                         "This password is too short. It must contain at least 8 characters.",
                                         "This password is too common."}));
  auto registered = send("POST", "/api/register/", {{"username", "admin"}, {"password", "Adm1n-strong-pw"}});
  ASSERT_EQ(registered.status, 201);
  EXPECT_EQ(registered.body["username"], "admin");
  EXPECT_TRUE(registered.body["id"].is_number_integer());
  EXPECT_TRUE(registered.body.contains("email"));
  auto tokens = send("POST", "/api/token/", {{"username", "admin"}, {"password", "Adm1n-strong-pw"}});
  ASSERT_EQ(tokens.status, 200);
  auto refreshed = send("POST", "/api/token/refresh/", {{"refresh", tokens.body["refresh"]}});
  ASSERT_EQ(refreshed.status, 200);
  EXPECT_TRUE(refreshed.body["access"].is_string());
  EXPECT_EQ(send("GET", "/api/me/", nullptr, refreshed.body["access"]).body["username"], "admin");
}

TEST_F(AuthLifecycleTest, SeedThreeRegistersThroughItsOwnRoute) {
  auto registered = send("POST", "/tasks/register/", {{"username", "tasker"}, {"password", "Tasker-pass-1"}});
  ASSERT_EQ(registered.status, 201) << registered.body.dump();
  EXPECT_EQ(registered.body, json({{"message", "User registered successfully"}}));
  EXPECT_EQ(send("POST", "/api/token/", {{"username", "tasker"}, {"password", "Tasker-pass-1"}}).status, 200);
  EXPECT_EQ(send("POST", "/tasks/register/", {{"username", "tasker"}, {"password", "Tasker-pass-1"}}).status, 400);
}

TEST_F(AuthLifecycleTest, AnImportedDjangoUserLogsInWithTheOldPassword) {
  std::string csv = stack_->dir_.path() + "/auth_user.csv";
  std::ofstream(csv) << "id,password,last_login,is_superuser,username,first_name,last_name,email,is_staff,"
                        "is_active,date_joined\n"
                        "7001,pbkdf2_sha256$1000$c2FsdHNhbHQ1234$ScY73C7vmTF9l0nmTIPKA1cAoLa+YLaI4xQ+hVFptIE=,,f,"
                        "djangonaut,Django,Naut,naut@example.com,f,t,2024-01-02 03:04:05.123456+00\n";
  std::string output;
  ASSERT_EQ(stack_->auth_command({"import-users", "--csv", csv}, {}, &output), 0) << output;
  EXPECT_NE(output.find("Imported 1 of 1 users"), std::string::npos) << output;
  auto login = send("POST", "/api/token/", {{"username", "djangonaut"}, {"password", "correct horse battery staple"}});
  ASSERT_EQ(login.status, 200) << login.body.dump();
  auto me = send("GET", "/api/me/", nullptr, login.body["access"]);
  EXPECT_EQ(me.body["id"], 7001);
  EXPECT_EQ(me.body["date_joined"], "2024-01-02T03:04:05.123456Z");
  // Rehashed at that login: the old password keeps working, now against argon2id.
  EXPECT_EQ(
      send("POST", "/api/token/", {{"email", "naut@example.com"}, {"password", "correct horse battery staple"}}).status,
      200);
}

TEST_F(AuthLifecycleTest, RevocationsSurviveARedisRestartThatLostEverything) {
  auto tokens = session("sam");
  ASSERT_EQ(send("POST", "/api/logout/", {{"refresh", tokens["refresh"]}}, tokens["access"]).status, 200);
  ASSERT_TRUE(refused_everywhere_within_a_second(tokens["access"]));

  stack_->redis_.stop();
  stack_->redis_.start();  // empty: no persistence
  // The auth service notices and copies the revocations back from PostgreSQL.
  common::RedisClient redis(common::RedisOptions::from_url(stack_->redis_.url()));
  ASSERT_TRUE(test_support::wait_until(std::chrono::seconds(10), [&] {
    try {
      return redis.command({"EXISTS", "auth:revocations:synced"}).integer == 1;
    } catch (const common::RedisError&) {
      return false;
    }
  })) << stack_->auth_->log();
  EXPECT_TRUE(refused_everywhere_within_a_second(tokens["access"]));
  // A gateway started after the restart learns it from Redis alone.
  int port = test_support::free_port();
  auto late_gateway = stack_->start_gateway(port, "gateway-late");
  ASSERT_TRUE(stack_->ready(port)) << late_gateway->log();
  EXPECT_EQ(send("GET", "/api/posts/", nullptr, tokens["access"], port).status, 401);
  // And revocations made after the restart travel as before.
  auto next = session("sue");
  ASSERT_EQ(send("POST", "/api/logout/", {{"refresh", next["refresh"]}}).status, 200);
  EXPECT_TRUE(refused_everywhere_within_a_second(next["access"]));
  EXPECT_TRUE(refused_everywhere_within_a_second(next["access"], port));
  EXPECT_EQ(late_gateway->terminate(), 0);
}

TEST_F(AuthLifecycleTest, AfterASigningKeyRotationOldAndNewTokensAreBothAccepted) {
  auto before = session("tom");
  std::string new_key = test_support::write_signing_key(stack_->dir_.path(), "next.pem");
  ASSERT_EQ(stack_->auth_->terminate(), 0);
  stack_->auth_env_["JWT_RETIRED_KEY_FILES"] = stack_->key_file_;
  stack_->auth_env_["JWT_PRIVATE_KEY_FILE"] = new_key;
  stack_->start_auth();
  ASSERT_TRUE(stack_->ready()) << stack_->logs();

  EXPECT_EQ(send("GET", "/api/posts/", nullptr, before["access"]).status, 200);
  auto after = send("POST", "/api/token/", {{"username", "tom"}, {"password", "Lifecycle-pass-1"}});
  ASSERT_EQ(after.status, 200);
  // Signed with a kid the gateway and content have never seen: they fetch the JWKS again.
  EXPECT_EQ(send("GET", "/api/posts/", nullptr, after.body["access"]).status, 200);
  EXPECT_EQ(content_direct(after.body["access"]), grpc::StatusCode::OK);
  auto jwks = json::parse(stack_->client().Get("/.well-known/jwks.json")->body)["keys"];
  ASSERT_EQ(jwks.size(), 2u);
  EXPECT_EQ(jwks[0]["kid"], common::jwt::SigningKey::from_pem_file(new_key).kid());
  // The old refresh token still rotates, into a token signed by the new key.
  EXPECT_EQ(send("POST", "/api/token/refresh/", {{"refresh", before["refresh"]}}).status, 200);
}

}  // namespace
