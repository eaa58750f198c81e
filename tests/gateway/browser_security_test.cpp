// CORS and CSRF as seed 004's browser client meets them: preflights answered by the gateway
// for the configured origins only, the csrftoken double submit on every state-changing request
// that carries cookies, and nothing forwarded when it is refused.
#include "tests/gateway/gateway_fixture.hpp"

#include <regex>

namespace gateway_test {
namespace {

using BrowserSecurityTest = GatewayTest;

const std::string kOrigin = "http://localhost:3000";

TEST_F(BrowserSecurityTest, PreflightsAreAnsweredForTheConfiguredOriginsOnly) {
  auto client = this->client();
  auto preflight = client.Options("/auth/register", {{"Origin", kOrigin},
                                                     {"Access-Control-Request-Method", "POST"},
                                                     {"Access-Control-Request-Headers", "content-type,x-csrf-token"}});
  ASSERT_TRUE(preflight);
  EXPECT_EQ(preflight->status, 204);
  EXPECT_EQ(preflight->get_header_value("Access-Control-Allow-Origin"), kOrigin);
  EXPECT_EQ(preflight->get_header_value("Access-Control-Allow-Credentials"), "true");
  EXPECT_EQ(preflight->get_header_value("Access-Control-Allow-Methods"), "POST, OPTIONS");
  EXPECT_EQ(preflight->get_header_value("Access-Control-Allow-Headers"),
            "Authorization, Content-Type, X-CSRF-Token, X-CSRFToken, X-Request-Id");
  EXPECT_EQ(preflight->get_header_value("Access-Control-Max-Age"), "600");
  EXPECT_EQ(preflight->get_header_value("Vary"), "Origin");
  EXPECT_EQ(preflight->get_header_value("Allow"), "POST, OPTIONS");

  auto other_dev_origin =
      client.Options("/api/posts/", {{"Origin", "http://localhost:5173"}, {"Access-Control-Request-Method", "GET"}});
  ASSERT_TRUE(other_dev_origin);
  EXPECT_EQ(other_dev_origin->get_header_value("Access-Control-Allow-Origin"), "http://localhost:5173");
  EXPECT_EQ(other_dev_origin->get_header_value("Access-Control-Allow-Methods"), "GET, POST, OPTIONS");

  auto foreign =
      client.Options("/auth/register", {{"Origin", "https://evil.example"}, {"Access-Control-Request-Method", "POST"}});
  ASSERT_TRUE(foreign);
  EXPECT_EQ(foreign->status, 204);
  EXPECT_FALSE(foreign->has_header("Access-Control-Allow-Origin"));
  EXPECT_FALSE(foreign->has_header("Access-Control-Allow-Credentials"));
  EXPECT_FALSE(foreign->has_header("Access-Control-Allow-Methods"));
  EXPECT_EQ(foreign->get_header_value("Vary"), "Origin");

  EXPECT_EQ(auth_.register_user.calls(), 0u);
}

TEST_F(BrowserSecurityTest, SeedFourBrowserFlowWithCorsCookiesAndCsrf) {
  auto csrf = send("GET", "/auth/csrf/", nullptr, {}, {{"Origin", kOrigin}});
  ASSERT_EQ(csrf.status, 200);
  std::string token = csrf.body["csrfToken"];
  EXPECT_TRUE(std::regex_match(token, std::regex("[0-9a-f]{64}"))) << token;
  EXPECT_EQ(set_cookie(csrf, "csrftoken"), "csrftoken=" + token + "; Path=/; SameSite=Lax; Max-Age=31449600");
  EXPECT_EQ(csrf.header("Access-Control-Allow-Origin"), kOrigin);
  httplib::Headers browser = {{"Origin", kOrigin}, {"Cookie", "csrftoken=" + token}};

  json user = {{"name", "soban"}, {"email", "msoban@example.com"}, {"password", "Soban-pass-2024"}};
  auto forged = send("POST", "/auth/register", user, {}, browser);
  EXPECT_EQ(forged.status, 403);
  EXPECT_EQ(forged.body, json({{"detail", "CSRF Failed: CSRF token missing."}}));
  EXPECT_EQ(forged.header("Access-Control-Allow-Origin"), kOrigin);
  EXPECT_EQ(auth_.register_user.calls(), 0u) << "a refused registration reaches no service";

  auth::v1::RegisterResponse registered_reply;
  *registered_reply.mutable_user() = sample_user(42, "", "msoban@example.com", "soban");
  *registered_reply.mutable_tokens() = token_pair("access-1", "refresh-1");
  auth_.register_user.reply_with(registered_reply);
  auto with_token = browser;
  with_token.emplace("X-CSRF-Token", token);
  auto registered = send("POST", "/auth/register", user, {}, with_token);
  ASSERT_EQ(registered.status, 201) << registered.text;
  EXPECT_EQ(registered.body, json({{"id", 42},
                                   {"email", "msoban@example.com"},
                                   {"name", "soban"},
                                   {"tokens", {{"refresh", "refresh-1"}, {"access", "access-1"}}}}));
  EXPECT_EQ(registered.header("Access-Control-Allow-Origin"), kOrigin);
  EXPECT_EQ(registered.header("Access-Control-Allow-Credentials"), "true");
  auto sent = auth_.register_user.last_request();
  EXPECT_EQ(sent.name(), "soban");
  EXPECT_EQ(sent.email(), "msoban@example.com");
  EXPECT_EQ(sent.password(), "Soban-pass-2024");
  EXPECT_FALSE(sent.has_username());
  EXPECT_FALSE(sent.has_password2());

  auth::v1::LoginResponse login_reply;
  *login_reply.mutable_user() = registered_reply.user();
  *login_reply.mutable_tokens() = token_pair("access-2", "refresh-2");
  auth_.login.reply_with(login_reply);
  auto login = send("POST", "/auth/login", user, {}, with_token);
  ASSERT_EQ(login.status, 200) << login.text;
  EXPECT_EQ(login.body, json({{"id", 42},
                              {"email", "msoban@example.com"},
                              {"name", "soban"},
                              {"tokens", {{"refresh", "refresh-2"}, {"access", "access-2"}}}}));
  // The email identifies the account; the name that comes with it is not a username.
  auto login_sent = auth_.login.last_request();
  EXPECT_EQ(login_sent.email(), "msoban@example.com");
  EXPECT_EQ(login_sent.password(), "Soban-pass-2024");
  EXPECT_FALSE(login_sent.has_username());

  std::string access = tokens_.access();
  auto logout = send("POST", "/auth/logout", {{"refresh", "refresh-2"}}, access, with_token);
  ASSERT_EQ(logout.status, 200) << logout.text;
  EXPECT_EQ(logout.body, json({{"message", "Successfully logged out"}}));
  EXPECT_EQ(auth_.logout.last_request().refresh(), "refresh-2");
  EXPECT_EQ(auth_.logout.last_request().access(), access);
}

TEST_F(BrowserSecurityTest, SeedFourLoginByNameAloneUsesItAsTheUsername) {
  auth::v1::LoginResponse reply;
  *reply.mutable_user() = sample_user(42, "soban", "", "soban");
  *reply.mutable_tokens() = token_pair("a", "r");
  auth_.login.reply_with(reply);
  auto login = send("POST", "/auth/login", {{"name", "soban"}, {"password", "Soban-pass-2024"}});
  ASSERT_EQ(login.status, 200) << login.text;
  EXPECT_EQ(auth_.login.last_request().username(), "soban");
  EXPECT_FALSE(auth_.login.last_request().has_email());
}

TEST_F(BrowserSecurityTest, CookieCarryingWritesNeedTheMatchingCsrfHeader) {
  std::string access = tokens_.access();
  httplib::Headers cookies = {{"Cookie", "session=x; csrftoken=t0ken"}};

  auto alternative_header = cookies;
  alternative_header.emplace("X-CSRFToken", "t0ken");
  EXPECT_EQ(send("POST", "/api/posts/", {{"title", "t"}, {"content", "c"}}, access, alternative_header).status, 201);
  EXPECT_EQ(content_.create_post.calls(), 1u);

  auto wrong = cookies;
  wrong.emplace("X-CSRF-Token", "t0keN");
  auto incorrect = send("POST", "/api/posts/", {{"title", "t"}, {"content", "c"}}, access, wrong);
  EXPECT_EQ(incorrect.status, 403);
  EXPECT_EQ(incorrect.body, json({{"detail", "CSRF Failed: CSRF token incorrect."}}));

  auto no_csrf_cookie = send("POST", "/api/posts/", {{"title", "t"}, {"content", "c"}}, access,
                             {{"Cookie", "session=x"}, {"X-CSRF-Token", "t0ken"}});
  EXPECT_EQ(no_csrf_cookie.status, 403);
  EXPECT_EQ(no_csrf_cookie.body, json({{"detail", "CSRF Failed: CSRF cookie not set."}}));

  for (const char* method : {"PUT", "PATCH", "DELETE"}) {
    auto refused = send(method, "/api/posts/1/", {{"title", "t"}}, access, cookies);
    EXPECT_EQ(refused.status, 403) << method;
    EXPECT_EQ(refused.body, json({{"detail", "CSRF Failed: CSRF token missing."}})) << method;
  }
  // Checked before authentication: a forged request learns nothing about the token.
  auto unauthenticated = send("POST", "/api/posts/", {{"title", "t"}}, {}, cookies);
  EXPECT_EQ(unauthenticated.status, 403);
  EXPECT_EQ(content_.create_post.calls(), 1u);
  EXPECT_EQ(content_.update_post.calls() + content_.delete_post.calls(), 0u);

  // Reading is not a state change; a bearer-only client sends no cookies and needs no token.
  EXPECT_EQ(send("GET", "/api/posts/", nullptr, access, cookies).status, 200);
  EXPECT_EQ(send("POST", "/api/posts/", {{"title", "t"}, {"content", "c"}}, access).status, 201);
  EXPECT_EQ(content_.create_post.calls(), 2u);
}

TEST_F(BrowserSecurityTest, OnlyConfiguredOriginsGetCorsHeadersOnAnswers) {
  auto allowed = send("GET", "/healthz", nullptr, {}, {{"Origin", kOrigin}});
  EXPECT_EQ(allowed.header("Access-Control-Allow-Origin"), kOrigin);
  EXPECT_EQ(allowed.header("Access-Control-Expose-Headers"), "X-Request-Id, Retry-After, WWW-Authenticate");
  EXPECT_EQ(allowed.header("Vary"), "Origin");
  auto foreign = send("GET", "/healthz", nullptr, {}, {{"Origin", "https://evil.example"}});
  EXPECT_FALSE(foreign.has_header("Access-Control-Allow-Origin"));
  EXPECT_EQ(foreign.header("Vary"), "Origin");
  EXPECT_FALSE(send("GET", "/healthz").has_header("Vary"));
}

}  // namespace
}  // namespace gateway_test
