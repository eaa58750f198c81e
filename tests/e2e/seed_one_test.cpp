// Seed 001's documented flow on a stack configured as that seed's backend: only staff may
// register users, and users verify their email before they log in.
#include "e2e/stack.hpp"

namespace {

using e2e::json;
using e2e::Reply;
using e2e::Stack;

class SeedOneTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    stack_ = new Stack(e2e::Env{{"REGISTRATION_POLICY", "admin-only"},
                                {"REQUIRE_VERIFIED_EMAIL", "true"},
                                {"EMAIL_VERIFICATION_URL", "https://app.example/verify?token={token}"}});
    ASSERT_TRUE(stack_->ready()) << stack_->logs();
  }
  static void TearDownTestSuite() {
    delete stack_;
    stack_ = nullptr;
  }

  static Reply send(const std::string& method, const std::string& path, const json& body = nullptr,
                    const std::string& token = {}) {
    return stack_->send(method, path, body, token);
  }

  static Stack* stack_;
};

Stack* SeedOneTest::stack_ = nullptr;

TEST_F(SeedOneTest, SuperuserRegistersAUserWhoVerifiesLogsInRefreshesAndLogsOut) {
  // python manage.py createsuperuser
  std::string output;
  ASSERT_EQ(stack_->auth_command({"createsuperuser", "--username", "root", "--email", "root@example.com"},
                                 {{"AUTH_SUPERUSER_PASSWORD", "Root-pass-2024"}}, &output),
            0)
      << output;
  auto admin = send("POST", "/api/auth/token/", {{"username", "root"}, {"password", "Root-pass-2024"}});
  ASSERT_EQ(admin.status, 200) << admin.body.dump();
  ASSERT_TRUE(admin.body["access_token"].is_string());
  ASSERT_TRUE(admin.body["refresh_token"].is_string());

  // "Only superuser has access to create user"
  json user = {{"username", "yourusername"}, {"password", "Your-pass-2024"}, {"email", "youremail@example.com"}};
  auto anonymous = send("POST", "/api/register/", user);
  EXPECT_EQ(anonymous.status, 401);
  EXPECT_EQ(anonymous.body["code"], "not_authenticated");
  auto registered = send("POST", "/api/register/", user, admin.body["access_token"]);
  ASSERT_EQ(registered.status, 201) << registered.body.dump();
  EXPECT_EQ(registered.body["is_error"], 0);
  EXPECT_EQ(registered.body["message"], "success");
  EXPECT_FALSE(registered.body.contains("access")) << "the admin gets no tokens for the new user";

  json credentials = {{"username", "yourusername"}, {"password", "Your-pass-2024"}};
  auto unverified = send("POST", "/api/auth/token/", credentials);
  EXPECT_EQ(unverified.status, 403);
  EXPECT_EQ(unverified.body["code"], "email_not_verified");
  auto others_cannot_register =
      send("POST", "/api/register/", {{"username", "x2"}, {"password", "Your-pass-2024"}, {"email", "x2@example.com"}},
           admin.body["refresh_token"]);
  EXPECT_EQ(others_cannot_register.status, 401);

  ASSERT_EQ(send("POST", "/api/verify-email/", {{"token", stack_->mailed_token("youremail@example.com")}}).status, 200);
  auto login = send("POST", "/api/auth/token/", credentials);
  ASSERT_EQ(login.status, 200) << login.body.dump();
  auto me = send("GET", "/api/me/", nullptr, login.body["access_token"]);
  EXPECT_EQ(me.body["email_verified"], true);

  auto refreshed = send("POST", "/api/auth/token/refresh/", {{"refresh_token", login.body["refresh_token"]}});
  ASSERT_EQ(refreshed.status, 200) << refreshed.body.dump();
  EXPECT_TRUE(refreshed.body["access_token"].is_string());
  EXPECT_NE(refreshed.body["refresh_token"], login.body["refresh_token"]);

  auto out = send("POST", "/api/auth/logout/", {{"refresh_token", refreshed.body["refresh_token"]}});
  ASSERT_EQ(out.status, 200);
  EXPECT_EQ(out.body, json({{"message", "Successfully logged out."}}));
  EXPECT_EQ(send("POST", "/api/auth/token/refresh/", {{"refresh_token", refreshed.body["refresh_token"]}}).status, 401);
  EXPECT_EQ(send("POST", "/api/auth/logout/", {{"refresh_token", refreshed.body["refresh_token"]}}).status, 401);
  EXPECT_TRUE(test_support::wait_until(std::chrono::seconds(1), [&] {
    return send("GET", "/api/me/", nullptr, refreshed.body["access_token"]).status == 401;
  }));
}

TEST_F(SeedOneTest, DeactivatingAUserEndsTheirSessionsAtTheGateway) {
  std::string output;
  ASSERT_EQ(stack_->auth_command({"createsuperuser", "--username", "ops", "--email", "ops@example.com"},
                                 {{"AUTH_SUPERUSER_PASSWORD", "Ops-pass-2024!"}}, &output),
            0)
      << output;
  auto session = send("POST", "/api/auth/token/", {{"username", "ops"}, {"password", "Ops-pass-2024!"}});
  ASSERT_EQ(session.status, 200);
  ASSERT_EQ(send("GET", "/api/posts/", nullptr, session.body["access_token"]).status, 200);
  ASSERT_EQ(stack_->auth_command({"deactivate", "--username", "ops"}, {}, &output), 0) << output;
  EXPECT_TRUE(test_support::wait_until(std::chrono::seconds(1), [&] {
    return send("GET", "/api/posts/", nullptr, session.body["access_token"]).status == 401;
  }));
  EXPECT_EQ(send("POST", "/api/auth/token/", {{"username", "ops"}, {"password", "Ops-pass-2024!"}}).status, 401);
}

}  // namespace
