// The account lifecycle across the real stack (issue 14): password reset by mail, sessions
// ended from the sessions page, account deletion reaching the content service (also when it is
// down at the time), and an SPA written for djoser.
#include "common/core/base64url.hpp"
#include "e2e/stack.hpp"

#include <pqxx/pqxx>

namespace {

using e2e::json;
using e2e::Reply;
using e2e::Stack;

class AccountLifecycleTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    stack_ = new Stack(e2e::Env{{"PASSWORD_RESET_URL", "http://localhost:5173/reset?uid={uid}&token={token}"}});
    ASSERT_TRUE(stack_->ready()) << stack_->logs();
  }
  static void TearDownTestSuite() {
    delete stack_;
    stack_ = nullptr;
  }

  static Reply send(const std::string& method, const std::string& path, const json& body = nullptr,
                    const std::string& token = {}, httplib::Headers headers = {}) {
    return stack_->send(method, path, body, token, std::move(headers));
  }

  // Registers `username` (with an email) and logs in; returns the login's body.
  static json session(const std::string& username, const std::string& password = "Account-pass-1") {
    auto registered = send("POST", "/api/register/",
                           {{"username", username}, {"email", username + "@example.com"}, {"password", password}});
    EXPECT_EQ(registered.status, 201) << registered.body.dump();
    auto login = send("POST", "/api/token/", {{"username", username}, {"password", password}});
    EXPECT_EQ(login.status, 200) << login.body.dump();
    return login.body;
  }

  // Rows of `table` owned by `user_id` in the content database.
  static std::int64_t content_rows(const std::string& table, std::int64_t user_id) {
    pqxx::connection c(stack_->content_db_.url());
    pqxx::read_transaction tx(c);
    return tx.exec_params1("SELECT count(*) FROM " + table + " WHERE user_id = $1", user_id)[0].as<std::int64_t>();
  }

  static std::int64_t user_id_of(const std::string& access) {
    return send("GET", "/api/me/", nullptr, access).body["id"].get<std::int64_t>();
  }

  static Stack* stack_;
};

Stack* AccountLifecycleTest::stack_ = nullptr;

TEST_F(AccountLifecycleTest, AResetMailEndsEverySessionEverywhereAndWorksOnce) {
  auto laptop = session("rosa");
  auto known = send("POST", "/api/password/reset/", {{"email", "rosa@example.com"}});
  auto unknown = send("POST", "/api/password/reset/", {{"email", "nobody-here@example.com"}});
  ASSERT_EQ(known.status, 200) << known.body.dump();
  EXPECT_EQ(unknown.status, known.status);
  EXPECT_EQ(unknown.body, known.body);

  std::string token = stack_->mailed_token("rosa@example.com", "Reset your password");
  ASSERT_EQ(token.size(), 64u) << stack_->auth_->log();
  auto reset = send("POST", "/api/password/reset/confirm/", {{"token", token}, {"new_password", "Rosa-new-pass-2"}});
  ASSERT_EQ(reset.status, 200) << reset.body.dump();
  EXPECT_EQ(reset.body["sessions_ended"], 2);  // the registration's and the laptop's
  EXPECT_TRUE(stack_->refused_everywhere_within_a_second(laptop["access"]));
  EXPECT_EQ(send("POST", "/api/token/refresh/", {{"refresh", laptop["refresh"]}}).status, 401);

  auto again = send("POST", "/api/password/reset/confirm/", {{"token", token}, {"new_password", "Rosa-new-pass-3"}});
  EXPECT_EQ(again.status, 400);
  EXPECT_TRUE(again.body.contains("token")) << again.body.dump();
  EXPECT_EQ(send("POST", "/api/token/", {{"username", "rosa"}, {"password", "Account-pass-1"}}).status, 401);
  EXPECT_EQ(send("POST", "/api/token/", {{"username", "rosa"}, {"password", "Rosa-new-pass-2"}}).status, 200);
}

TEST_F(AccountLifecycleTest, EndingASessionFromTheSessionsPageReachesContentWithinASecond) {
  auto laptop = session("sven");
  auto phone = send("POST", "/api/token/", {{"username", "sven"}, {"password", "Account-pass-1"}}, {},
                    {{"User-Agent", "SvenPhone/2.0"}});
  ASSERT_EQ(phone.status, 200);
  auto listed = send("GET", "/api/sessions/", nullptr, laptop["access"]);
  ASSERT_EQ(listed.status, 200) << listed.body.dump();
  ASSERT_EQ(listed.body.size(), 3u);  // registration, laptop, phone
  std::string phone_id;
  int current = 0;
  for (const auto& s : listed.body) {
    if (s["user_agent"] == "SvenPhone/2.0") phone_id = s["id"];
    if (s["current"] == true) ++current;
    EXPECT_EQ(s["client_ip"], "127.0.0.1");
  }
  EXPECT_EQ(current, 1);
  ASSERT_FALSE(phone_id.empty()) << listed.body.dump();

  auto ended = send("DELETE", "/api/sessions/" + phone_id + "/", nullptr, laptop["access"]);
  EXPECT_EQ(ended.status, 204);
  EXPECT_TRUE(stack_->refused_everywhere_within_a_second(phone.body["access"]));
  EXPECT_EQ(send("DELETE", "/api/sessions/" + phone_id + "/", nullptr, laptop["access"]).status, 404);

  auto others = send("POST", "/api/sessions/revoke-others/", nullptr, laptop["access"]);
  EXPECT_EQ(others.status, 200);
  EXPECT_EQ(others.body["sessions_ended"], 1);  // the registration's
  EXPECT_EQ(send("GET", "/api/posts/", nullptr, laptop["access"]).status, 200);
}

TEST_F(AccountLifecycleTest, DeletingTheAccountRemovesItsContentAndOnlyItsContent) {
  auto ulla = session("ulla");
  auto other = session("otto");
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(send("POST", "/api/posts/", {{"title", "p"}, {"content", "c"}}, ulla["access"]).status, 201);
  }
  ASSERT_EQ(send("POST", "/api/tasks/", {{"title", "t"}}, ulla["access"]).status, 201);
  ASSERT_EQ(send("POST", "/api/posts/", {{"title", "keep"}, {"content", "c"}}, other["access"]).status, 201);
  auto id = user_id_of(ulla["access"]);

  EXPECT_EQ(send("DELETE", "/api/me/", {{"current_password", "wrong"}}, ulla["access"]).status, 400);
  auto deleted = send("DELETE", "/api/me/", {{"current_password", "Account-pass-1"}}, ulla["access"]);
  ASSERT_EQ(deleted.status, 204) << deleted.body.dump();
  EXPECT_TRUE(stack_->refused_everywhere_within_a_second(ulla["access"]));
  EXPECT_TRUE(test_support::wait_until(std::chrono::seconds(15), [&] {
    return content_rows("posts", id) == 0 && content_rows("tasks", id) == 0;
  })) << stack_->auth_->log();
  EXPECT_EQ(content_rows("posts", user_id_of(other["access"])), 1);
  // The identifiers are free again: a new account, a new id.
  auto again = send("POST", "/api/register/", {{"username", "ulla"}, {"password", "Account-pass-1"}});
  EXPECT_EQ(again.status, 201);
  EXPECT_NE(again.body["id"], id);
}

TEST_F(AccountLifecycleTest, ADeletionWhileContentIsDownIsDeliveredWhenItIsBack) {
  auto vera = session("vera");
  ASSERT_EQ(send("POST", "/api/posts/", {{"title", "p"}, {"content", "c"}}, vera["access"]).status, 201);
  auto id = user_id_of(vera["access"]);
  EXPECT_EQ(stack_->content_->terminate(), 0);
  auto deleted = send("DELETE", "/api/me/", {{"current_password", "Account-pass-1"}}, vera["access"]);
  ASSERT_EQ(deleted.status, 204) << deleted.body.dump();
  // Past the delivery delay, while content is down: the row stays.
  EXPECT_TRUE(test_support::wait_until(std::chrono::seconds(10), [&] {
    return stack_->auth_->log().find("content not removed yet") != std::string::npos;
  })) << stack_->auth_->log();
  EXPECT_EQ(content_rows("posts", id), 1);

  stack_->content_ = stack_->start_content(stack_->content_port_, "content-again");
  ASSERT_TRUE(stack_->ready()) << stack_->logs();
  EXPECT_TRUE(test_support::wait_until(std::chrono::seconds(20), [&] { return content_rows("posts", id) == 0; }))
      << stack_->auth_->log();
}

TEST_F(AccountLifecycleTest, AnSpaWrittenForDjoserWorksUnchanged) {
  auto created = send("POST", "/auth/users/",
                      {{"username", "wanda"}, {"email", "wanda@example.com"}, {"password", "Wanda-pass-123"}});
  ASSERT_EQ(created.status, 201) << created.body.dump();
  EXPECT_EQ(created.body, (json{{"id", created.body["id"]}, {"username", "wanda"}, {"email", "wanda@example.com"}}));
  auto jwt = send("POST", "/auth/jwt/create/", {{"username", "wanda"}, {"password", "Wanda-pass-123"}});
  ASSERT_EQ(jwt.status, 200) << jwt.body.dump();
  auto me = send("GET", "/auth/users/me/", nullptr, jwt.body["access"]);
  EXPECT_EQ(me.body["username"], "wanda");
  auto set = send("POST", "/auth/users/set_password/",
                  {{"current_password", "Wanda-pass-123"}, {"new_password", "Wanda-pass-456"}}, jwt.body["access"]);
  EXPECT_EQ(set.status, 204) << set.body.dump();

  EXPECT_EQ(send("POST", "/auth/users/reset_password/", {{"email", "wanda@example.com"}}).status, 204);
  std::string uid = stack_->mailed("wanda@example.com", "Reset your password", "uid=([A-Za-z0-9_-]+)");
  std::string token = stack_->mailed_token("wanda@example.com", "Reset your password");
  // djoser's uid: the id's decimal digits in base64url.
  ASSERT_EQ(uid, common::base64url_encode(std::to_string(created.body["id"].get<std::int64_t>())));
  auto confirm = send("POST", "/auth/users/reset_password_confirm/",
                      {{"uid", uid}, {"token", token}, {"new_password", "Wanda-pass-789"}});
  EXPECT_EQ(confirm.status, 204) << confirm.body.dump();
  EXPECT_EQ(send("POST", "/auth/jwt/create/", {{"username", "wanda"}, {"password", "Wanda-pass-456"}}).status, 401);
  auto fresh = send("POST", "/auth/jwt/create/", {{"username", "wanda"}, {"password", "Wanda-pass-789"}});
  EXPECT_EQ(fresh.status, 200);
  EXPECT_EQ(send("POST", "/auth/jwt/verify/", {{"token", fresh.body["access"]}}).status, 200);
  EXPECT_EQ(send("POST", "/auth/jwt/refresh/", {{"refresh", fresh.body["refresh"]}}).status, 200);
}

}  // namespace
