// The three real binaries on real PostgreSQL and Redis, driven over HTTP through the gateway
// the way seed 000's client uses its backend.
#include "e2e/stack.hpp"

#include <memory>
#include <sstream>

namespace {

using e2e::json;
using e2e::Reply;
using e2e::Stack;

class StackTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    stack_ = new Stack();
    ASSERT_TRUE(stack_->ready()) << stack_->logs();
  }
  static void TearDownTestSuite() {
    delete stack_;
    stack_ = nullptr;
  }

  static Reply send(const std::string& method, const std::string& path, const json& body = nullptr,
                    const std::string& token = {}, httplib::Headers headers = {},
                    const std::string& content_type = "application/json") {
    return stack_->send(method, path, body, token, std::move(headers), content_type);
  }

  // Registers and logs in a user by email, as seed 000's client does; returns the login body.
  static json register_and_login(const std::string& email, const std::string& password) {
    auto registered = send("POST", "/api/register/", {{"email", email}, {"password", password}});
    EXPECT_EQ(registered.status, 201) << registered.body.dump();
    auto login = send("POST", "/api/login/", {{"email", email}, {"password", password}});
    EXPECT_EQ(login.status, 200) << login.body.dump();
    return login.body;
  }

  static Stack* stack_;
};

Stack* StackTest::stack_ = nullptr;

TEST_F(StackTest, SeedZeroClientFlowRegisterLoginRefreshAndPostsCrud) {
  auto registered = send("POST", "/api/register/", {{"email", "user@example.com"}, {"password", "secretpassword"}});
  ASSERT_EQ(registered.status, 201) << registered.body.dump();
  for (const char* field : {"user_id", "email", "access", "refresh", "id", "username"}) {
    EXPECT_TRUE(registered.body.contains(field)) << field;
  }
  EXPECT_EQ(registered.body["email"], "user@example.com");

  auto login = send("POST", "/api/login/", {{"email", "user@example.com"}, {"password", "secretpassword"}});
  ASSERT_EQ(login.status, 200) << login.body.dump();
  EXPECT_EQ(login.body["email"], "user@example.com");
  std::string access = login.body["token"]["access"];
  std::string refresh = login.body["token"]["refresh"];

  auto refreshed = send("POST", "/api/token/refresh/", {{"refresh", refresh}});
  ASSERT_EQ(refreshed.status, 200) << refreshed.body.dump();
  EXPECT_NE(refreshed.body["refresh"], refresh);
  access = refreshed.body["access"];

  auto created =
      send("POST", "/api/posts/", {{"title", "New Post"}, {"content", "This is the content of the new post."}}, access);
  ASSERT_EQ(created.status, 201) << created.body.dump();
  for (const char* field : {"id", "title", "content", "user", "created_at", "updated_at"}) {
    EXPECT_TRUE(created.body.contains(field)) << field;
  }
  EXPECT_EQ(created.body["user"], registered.body["user_id"]);
  EXPECT_EQ(created.body["created_at"].get<std::string>().back(), 'Z');
  std::string item = "/api/posts/" + std::to_string(created.body["id"].get<std::int64_t>()) + "/";

  auto listed = send("GET", "/api/posts/", nullptr, access);
  ASSERT_EQ(listed.status, 200);
  ASSERT_TRUE(listed.body.is_array());
  ASSERT_EQ(listed.body.size(), 1u);
  EXPECT_EQ(listed.body[0]["title"], "New Post");

  EXPECT_EQ(send("GET", item, nullptr, access).body["content"], "This is the content of the new post.");
  auto put = send("PUT", item, {{"title", "Updated"}, {"content", "New body"}}, access);
  ASSERT_EQ(put.status, 200) << put.body.dump();
  EXPECT_EQ(put.body["title"], "Updated");
  auto patch = send("PATCH", item, {{"content", "Patched body"}}, access);
  ASSERT_EQ(patch.status, 200);
  EXPECT_EQ(patch.body["title"], "Updated");
  EXPECT_EQ(patch.body["content"], "Patched body");
  auto delete_reply = send("DELETE", item, nullptr, access);
  EXPECT_EQ(delete_reply.status, 204);
  auto gone = send("GET", item, nullptr, access);
  EXPECT_EQ(gone.status, 404);
  EXPECT_EQ(gone.body, json({{"detail", "Not found."}}));
}

TEST_F(StackTest, AnotherUserCannotSeeOrChangeMyPosts) {
  auto owner = register_and_login("owner@example.com", "owner-pass-1");
  auto other = register_and_login("other@example.com", "other-pass-1");
  std::string owner_token = owner["token"]["access"];
  std::string other_token = other["token"]["access"];
  auto created = send("POST", "/api/posts/", {{"title", "Mine"}, {"content", "Private"}}, owner_token);
  ASSERT_EQ(created.status, 201);
  std::string item = "/api/posts/" + std::to_string(created.body["id"].get<std::int64_t>()) + "/";

  EXPECT_EQ(send("GET", item, nullptr, other_token).status, 404);
  EXPECT_EQ(send("PUT", item, {{"title", "x"}, {"content", "y"}}, other_token).status, 404);
  EXPECT_EQ(send("PATCH", item, {{"title", "x"}}, other_token).status, 404);
  EXPECT_EQ(send("DELETE", item, nullptr, other_token).status, 404);
  EXPECT_EQ(send("GET", "/api/posts/", nullptr, other_token).body, json::array());

  auto still = send("GET", item, nullptr, owner_token);
  ASSERT_EQ(still.status, 200);
  EXPECT_EQ(still.body["title"], "Mine");
  EXPECT_EQ(still.body["content"], "Private");
}

TEST_F(StackTest, LogoutMakesTheRefreshTokenUnusable) {
  auto user = register_and_login("logout@example.com", "logout-pass-1");
  std::string refresh = user["token"]["refresh"];
  std::string access = user["token"]["access"];
  auto verify_before = send("POST", "/api/token/verify/", {{"token", access}});
  EXPECT_EQ(verify_before.status, 200);
  EXPECT_EQ(verify_before.body, json::object());

  auto out = send("POST", "/api/logout/", {{"refresh", refresh}}, access);
  ASSERT_EQ(out.status, 200) << out.body.dump();
  EXPECT_EQ(out.body["message"], "Successfully logged out");

  auto reuse = send("POST", "/api/token/refresh/", {{"refresh", refresh}});
  EXPECT_EQ(reuse.status, 401);
  EXPECT_EQ(reuse.body["code"], "token_not_valid");
  EXPECT_EQ(send("POST", "/api/token/verify/", {{"token", refresh}}).status, 401);
  EXPECT_EQ(send("POST", "/api/token/verify/", {{"token", access}}).status, 401);
}

TEST_F(StackTest, TokenEndpointAcceptsUsernameLoginAndRefusesWrongPasswords) {
  auto registered = send("POST", "/api/register/", {{"username", "admin"}, {"password", "admin-pass-9"}});
  ASSERT_EQ(registered.status, 201) << registered.body.dump();
  EXPECT_EQ(registered.body["username"], "admin");
  auto token = send("POST", "/api/token/", {{"username", "admin"}, {"password", "admin-pass-9"}});
  ASSERT_EQ(token.status, 200);
  EXPECT_TRUE(token.body["access"].is_string());
  EXPECT_TRUE(token.body["refresh"].is_string());
  auto wrong = send("POST", "/api/token/", {{"username", "admin"}, {"password", "nope"}});
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(wrong.body["detail"], "No active account found with the given credentials");
  auto unknown = send("POST", "/api/token/", {{"username", "ghost"}, {"password", "nope"}});
  EXPECT_EQ(unknown.status, 401);
  EXPECT_EQ(unknown.body, wrong.body);
}

TEST_F(StackTest, RepeatedFailedLoginsAreThrottledWith429AndRetryAfter) {
  ASSERT_EQ(send("POST", "/api/register/", {{"username", "victim"}, {"password", "victim-pass-1"}}).status, 201);
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(send("POST", "/api/token/", {{"username", "victim"}, {"password", "guess" + std::to_string(i)}}).status,
              401);
  }
  auto throttled = send("POST", "/api/token/", {{"username", "victim"}, {"password", "victim-pass-1"}});
  EXPECT_EQ(throttled.status, 429);
  EXPECT_TRUE(throttled.body["detail"].is_string());
  auto retry_after = throttled.headers.find("Retry-After");
  ASSERT_NE(retry_after, throttled.headers.end());
  EXPECT_GT(std::stoi(retry_after->second), 0);
  // Someone else logging in from the same address is not locked out by it.
  ASSERT_EQ(send("POST", "/api/register/", {{"username", "bystander"}, {"password", "Onlooker-pw-77"}}).status, 201);
  EXPECT_EQ(send("POST", "/api/token/", {{"username", "bystander"}, {"password", "Onlooker-pw-77"}}).status, 200);
}

// The services' own rules in DRF's shape; what the gateway refuses by itself (malformed or
// oversized bodies, wrong types, 404, 405) is in tests/gateway/http_server_test.cpp.
TEST_F(StackTest, BadInputGetsDrfErrorsAndChangesNothing) {
  auto user = register_and_login("input@example.com", "input-pass-1");
  std::string access = user["token"]["access"];

  auto duplicate = send("POST", "/api/register/", {{"email", "INPUT@example.com"}, {"password", "x-pass-123"}});
  EXPECT_EQ(duplicate.status, 400);
  EXPECT_TRUE(duplicate.body["email"].is_array()) << duplicate.body.dump();

  auto missing = send("POST", "/api/posts/", {{"content", "no title"}}, access);
  EXPECT_EQ(missing.status, 400);
  EXPECT_EQ(missing.body["title"], json::array({"This field is required."}));
  EXPECT_EQ(send("GET", "/api/posts/", nullptr, access).body, json::array());
}

TEST_F(StackTest, RequestIdAndTraceTravelFromGatewayToTheServiceLogs) {
  const std::string trace_id = "0af7651916cd43dd8448eb211c80319c";
  auto reply = send("POST", "/api/token/", {{"username", "nobody"}, {"password", "x"}}, {},
                    {{"X-Request-Id", "e2e-trace-12345"}, {"traceparent", "00-" + trace_id + "-b7ad6b7169203331-01"}});
  EXPECT_EQ(reply.status, 401);
  auto echoed = reply.headers.find("X-Request-Id");
  ASSERT_NE(echoed, reply.headers.end());
  EXPECT_EQ(echoed->second, "e2e-trace-12345");
  // Services log one JSON line per call; poll because log writes are asynchronous to us.
  EXPECT_TRUE(test_support::wait_until(std::chrono::seconds(5), [] {
    return stack_->auth_->log().find("\"request_id\":\"e2e-trace-12345\"") != std::string::npos;
  }));
  // The W3C trace id: in the gateway's access log and in the service's line for the call.
  EXPECT_NE(stack_->auth_->log().find("\"trace_id\":\"" + trace_id + "\""), std::string::npos);
  EXPECT_TRUE(test_support::wait_until(std::chrono::seconds(5), [&] {
    return stack_->gateway_->log().find("\"trace_id\":\"" + trace_id + "\"") != std::string::npos;
  }));
  // Every log line is one JSON object.
  std::istringstream lines(stack_->gateway_->log());
  int count = 0;
  for (std::string line; std::getline(lines, line); ++count) {
    auto parsed = json::parse(line, nullptr, false);
    EXPECT_TRUE(parsed.is_object()) << line;
  }
  EXPECT_GT(count, 0);
}

TEST_F(StackTest, ProbesAnswer) {
  EXPECT_EQ(send("GET", "/healthz").status, 200);
  auto ready = send("GET", "/readyz");
  EXPECT_EQ(ready.status, 200);
  EXPECT_EQ(ready.body["auth"], true);
  EXPECT_EQ(ready.body["content"], true);
}

TEST_F(StackTest, SeedThreeTaskFlowThroughItsOwnRoutes) {
  ASSERT_EQ(send("POST", "/tasks/register/", {{"username", "jigyasnh"}, {"password", "securepassword123"}}).status,
            201);
  auto tokens = send("POST", "/api/token/", {{"username", "jigyasnh"}, {"password", "securepassword123"}});
  ASSERT_EQ(tokens.status, 200);
  std::string access = tokens.body["access"];

  auto created =
      send("POST", "/tasks/create/", {{"title", "Buy Groceries"}, {"description", "blah, Eggs, Bread"}}, access);
  ASSERT_EQ(created.status, 201) << created.body.dump();
  EXPECT_EQ(created.body["title"], "Buy Groceries");
  EXPECT_EQ(created.body["description"], "blah, Eggs, Bread");
  EXPECT_EQ(created.body["status"], "pending");
  std::string item = "/tasks/" + std::to_string(created.body["id"].get<int>()) + "/";

  auto listed = send("GET", "/tasks/", nullptr, access);
  ASSERT_EQ(listed.status, 200);
  ASSERT_TRUE(listed.body.is_array());
  EXPECT_EQ(listed.body.size(), 1u);
  EXPECT_EQ(send("GET", item, nullptr, access).body["id"], created.body["id"]);

  auto updated = send("PUT", item + "update/", {{"status", "completed"}}, access);
  ASSERT_EQ(updated.status, 200) << updated.body.dump();
  EXPECT_EQ(updated.body["status"], "completed");
  EXPECT_EQ(updated.body["title"], "Buy Groceries");
  auto bad = send("PUT", item + "update/", {{"status", "done"}}, access);
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.body, json({{"status", {"\"done\" is not a valid choice."}}}));

  EXPECT_EQ(send("DELETE", item + "delete/", nullptr, access).status, 204);
  EXPECT_EQ(send("GET", item, nullptr, access).status, 404);

  // The rest of seed 003's table: refresh, verify, logout.
  auto refreshed = send("POST", "/api/token/refresh/", {{"refresh", tokens.body["refresh"]}});
  ASSERT_EQ(refreshed.status, 200);
  EXPECT_TRUE(refreshed.body["access"].is_string());
  EXPECT_EQ(send("POST", "/api/token/verify/", {{"token", refreshed.body["access"]}}).status, 200);
  auto out = send("POST", "/api/logout/", {{"refresh", refreshed.body["refresh"]}});
  ASSERT_EQ(out.status, 200);
  EXPECT_EQ(out.body, json({{"message", "Successfully logged out"}}));
  EXPECT_EQ(send("POST", "/api/token/verify/", {{"token", refreshed.body["refresh"]}}).status, 401);
}

TEST_F(StackTest, CanonicalTaskRoutesKeepTasksPrivateAndPageOnRequest) {
  auto owner = register_and_login("tasks-owner@example.com", "Owner-pass-123");
  auto other = register_and_login("tasks-other@example.com", "Other-pass-123");
  std::string access = owner["token"]["access"];
  std::vector<int> ids;
  for (const char* title : {"one", "two", "three"}) {
    auto created = send("POST", "/api/tasks/", {{"title", title}, {"status", "in-progress"}}, access);
    ASSERT_EQ(created.status, 201) << created.body.dump();
    ids.push_back(created.body["id"]);
  }
  std::string item = "/api/tasks/" + std::to_string(ids[0]) + "/";
  std::string intruder = other["token"]["access"];
  EXPECT_EQ(send("GET", item, nullptr, intruder).status, 404);
  EXPECT_EQ(send("PATCH", item, {{"title", "mine now"}}, intruder).status, 404);
  EXPECT_EQ(send("DELETE", item, nullptr, intruder).status, 404);
  EXPECT_EQ(send("GET", "/api/tasks/", nullptr, intruder).body, json::array());
  EXPECT_EQ(send("GET", item, nullptr, access).body["title"], "one");

  auto page = send("GET", "/api/tasks/?limit=2&offset=1", nullptr, access);
  ASSERT_EQ(page.status, 200);
  EXPECT_EQ(page.body["count"], 3);
  ASSERT_EQ(page.body["results"].size(), 2u);
  EXPECT_EQ(page.body["results"][0]["id"], ids[1]);
  auto posts_page = send("GET", "/api/posts/?limit=5", nullptr, access);
  EXPECT_EQ(posts_page.body["count"], 0);

  auto put = send("PUT", item, {{"title", "one, again"}, {"description", "d"}, {"status", "completed"}}, access);
  ASSERT_EQ(put.status, 200) << put.body.dump();
  EXPECT_EQ(put.body["description"], "d");
  EXPECT_EQ(send("PUT", item, {{"status", "pending"}}, access).body, json({{"title", {"This field is required."}}}));
}

TEST_F(StackTest, SeedTwoDashboardGreetsTheUserByName) {
  ASSERT_EQ(send("POST", "/api/register/", {{"username", "dash"}, {"password", "Dash-pass-123"}}).status, 201);
  auto tokens = send("POST", "/api/token/", {{"username", "dash"}, {"password", "Dash-pass-123"}});
  std::string access = tokens.body["access"];
  auto got = send("GET", "/api/dashboard/", nullptr, access);
  ASSERT_EQ(got.status, 200);
  EXPECT_EQ(got.body, json({{"response", "Hey dash, You are seeing a GET response"}}));
  auto posted = send("POST", "/api/dashboard/", {{"text", "This is my Text"}}, access);
  ASSERT_EQ(posted.status, 200);
  EXPECT_EQ(posted.body, json({{"response", "Hey dash, your text is This is my Text"}}));
}

// Seed 004's happy path through the real services; preflights, foreign origins and CSRF
// refusals are tests/gateway/browser_security_test.cpp.
TEST_F(StackTest, SeedFourBrowserFlowWithCsrfCookies) {
  const std::string origin = "http://localhost:3000";
  auto csrf = stack_->client().Get("/auth/csrf/", {{"Origin", origin}});
  ASSERT_TRUE(csrf);
  ASSERT_EQ(csrf->status, 200);
  std::string token = json::parse(csrf->body)["csrfToken"];
  httplib::Headers browser = {{"Origin", origin}, {"Cookie", "csrftoken=" + token}, {"X-CSRF-Token", token}};

  json user = {{"name", "soban"}, {"email", "msoban@example.com"}, {"password", "Soban-pass-2024"}};
  auto registered = send("POST", "/auth/register", user, {}, browser);
  ASSERT_EQ(registered.status, 201) << registered.body.dump();
  EXPECT_EQ(registered.body["name"], "soban");
  EXPECT_EQ(registered.body["email"], "msoban@example.com");
  EXPECT_TRUE(registered.body["id"].is_number_integer());
  EXPECT_TRUE(registered.body["tokens"]["access"].is_string());

  auto login = send("POST", "/auth/login", user, {}, browser);
  ASSERT_EQ(login.status, 200) << login.body.dump();
  EXPECT_EQ(login.body["id"], registered.body["id"]);
  std::string access = login.body["tokens"]["access"];
  auto logout = send("POST", "/auth/logout", {{"refresh", login.body["tokens"]["refresh"]}}, access, browser);
  ASSERT_EQ(logout.status, 200) << logout.body.dump();
  EXPECT_EQ(logout.body, json({{"message", "Successfully logged out"}}));
  EXPECT_TRUE(test_support::wait_until(std::chrono::seconds(1),
                                       [&] { return send("GET", "/api/me/", nullptr, access).status == 401; }));
}

// Runs last in this file: stops the stack and checks each binary exits cleanly on SIGTERM.
TEST_F(StackTest, ZzzEveryBinaryStopsCleanlyOnSigterm) {
  EXPECT_EQ(stack_->gateway_->terminate(), 0) << stack_->logs();
  EXPECT_EQ(stack_->content_->terminate(), 0) << stack_->logs();
  EXPECT_EQ(stack_->auth_->terminate(), 0) << stack_->logs();
}

}  // namespace
