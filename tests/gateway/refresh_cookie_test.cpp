// Cookie mode (GATEWAY_REFRESH_COOKIE): login, registration and refresh also set the refresh
// token as an HttpOnly cookie; refresh and logout read it when the body has none; a request
// carrying it must pass the CSRF check like any cookie-carrying write.
#include "tests/gateway/gateway_fixture.hpp"

#include "common/grpc/grpc_errors.hpp"

#include <regex>

namespace gateway_test {
namespace {

class RefreshCookieTest : public GatewayTest {
 protected:
  void configure(Settings& settings) override {
    settings["GATEWAY_REFRESH_COOKIE"] = "true";
    settings["GATEWAY_COOKIE_SECURE"] = "false";
  }
  void SetUp() override {
    GatewayTest::SetUp();
    auth::v1::LoginResponse login;
    *login.mutable_user() = sample_user(7, "cookie", "cookie@example.com");
    *login.mutable_tokens() = token_pair("access-1", "refresh-1");
    auth_.login.reply_with(login);
    auth::v1::RefreshResponse refreshed;
    *refreshed.mutable_tokens() = token_pair("access-2", "refresh-2");
    auth_.refresh.reply_with(refreshed);
  }
};

// The value a Set-Cookie header gives its cookie.
std::string cookie_token(const std::string& set_cookie) {
  auto start = set_cookie.find('=') + 1;
  return set_cookie.substr(start, set_cookie.find(';') - start);
}

// token_pair() lets the refresh token live a day; Max-Age counts from the answer.
const std::regex kDayLongCookie(
    "refresh_token=([^;]+); Path=/; HttpOnly; SameSite=Strict; Max-Age=8640[0-9]|"
    "refresh_token=([^;]+); Path=/; HttpOnly; SameSite=Strict; Max-Age=8639[0-9]");

TEST_F(RefreshCookieTest, CookieModeKeepsTheRefreshTokenInAnHttpOnlyCookieGuardedByCsrf) {
  auto login = send("POST", "/api/token/", {{"username", "cookie"}, {"password", "Cookie-pass-123"}});
  ASSERT_EQ(login.status, 200);
  std::string set_cookie_value = set_cookie(login, "refresh_token");
  EXPECT_TRUE(std::regex_match(set_cookie_value, kDayLongCookie)) << set_cookie_value;
  EXPECT_EQ(cookie_token(set_cookie_value), login.body["refresh"]);
  EXPECT_EQ(cookie_token(set_cookie_value), "refresh-1");

  std::string refresh_token = cookie_token(set_cookie_value);
  httplib::Headers cookies = {{"Cookie", "csrftoken=t0ken; refresh_token=" + refresh_token}};
  auto forged = send("POST", "/api/token/refresh/", json::object(), {}, cookies);
  EXPECT_EQ(forged.status, 403) << "a cookie-carrying refresh needs the CSRF header";
  EXPECT_EQ(forged.body, json({{"detail", "CSRF Failed: CSRF token missing."}}));
  EXPECT_EQ(auth_.refresh.calls(), 0u);

  auto with_csrf = cookies;
  with_csrf.emplace("X-CSRF-Token", "t0ken");
  auto refreshed = send("POST", "/api/token/refresh/", json::object(), {}, with_csrf);
  ASSERT_EQ(refreshed.status, 200) << refreshed.text;
  EXPECT_EQ(auth_.refresh.last_request().refresh(), refresh_token);
  std::string rotated = cookie_token(set_cookie(refreshed, "refresh_token"));
  EXPECT_TRUE(std::regex_match(set_cookie(refreshed, "refresh_token"), kDayLongCookie));
  EXPECT_EQ(rotated, refreshed.body["refresh"]);
  EXPECT_NE(rotated, refresh_token);

  std::string access = tokens_.access();
  httplib::Headers current = {{"Cookie", "csrftoken=t0ken; refresh_token=" + rotated}, {"X-CSRF-Token", "t0ken"}};
  auto out = send("POST", "/api/logout/", json::object(), access, current);
  ASSERT_EQ(out.status, 200) << out.text;
  EXPECT_EQ(out.body, json({{"message", "Successfully logged out"}}));
  EXPECT_EQ(set_cookie(out, "refresh_token"), "refresh_token=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
  EXPECT_EQ(auth_.logout.last_request().refresh(), rotated);
  EXPECT_EQ(auth_.logout.last_request().access(), access);

  // What auth answers for a logged-out token reaches the client as DRF's 401.
  auth_.refresh.fail_with(
      common::status_with_reason(grpc::StatusCode::UNAUTHENTICATED, "Token is blacklisted", "token_not_valid"));
  auto after_logout = send("POST", "/api/token/refresh/", json::object(), {}, current);
  EXPECT_EQ(after_logout.status, 401);
  EXPECT_EQ(after_logout.body, json({{"detail", "Token is blacklisted"}, {"code", "token_not_valid"}}));
  EXPECT_EQ(auth_.refresh.last_request().refresh(), rotated);
  EXPECT_EQ(set_cookie(after_logout, "refresh_token"), "");
}

TEST_F(RefreshCookieTest, ABodyTokenWinsOverTheCookie) {
  httplib::Headers cookies = {{"Cookie", "csrftoken=t; refresh_token=from-cookie"}, {"X-CSRF-Token", "t"}};
  ASSERT_EQ(send("POST", "/api/token/refresh/", {{"refresh", "from-body"}}, {}, cookies).status, 200);
  EXPECT_EQ(auth_.refresh.last_request().refresh(), "from-body");
  ASSERT_EQ(send("POST", "/api/auth/token/refresh/", json::object(), {}, cookies).status, 200);
  EXPECT_EQ(auth_.refresh.last_request().refresh(), "from-cookie");
  ASSERT_EQ(send("POST", "/api/auth/logout/", json::object(), {}, cookies).status, 200);
  EXPECT_EQ(auth_.logout.last_request().refresh(), "from-cookie");
  // Neither body nor cookie: the field is required.
  auto none = send("POST", "/api/token/refresh/", json::object());
  EXPECT_EQ(none.status, 400);
  EXPECT_EQ(none.body, json({{"refresh", {"This field is required."}}}));
}

TEST_F(RefreshCookieTest, EveryLoginAndTokenIssuingRegistrationSetsTheCookie) {
  for (const char* path : {"/api/login/", "/api/auth/token/", "/auth/login"}) {
    auto login = send("POST", path, {{"email", "cookie@example.com"}, {"password", "pw"}});
    ASSERT_EQ(login.status, 200) << path;
    EXPECT_EQ(cookie_token(set_cookie(login, "refresh_token")), "refresh-1") << path;
  }
  auth::v1::RegisterResponse registered;
  *registered.mutable_user() = sample_user(8, "new", "");
  *registered.mutable_tokens() = token_pair("access-8", "refresh-8");
  auth_.register_user.reply_with(registered);
  auto with_tokens = send("POST", "/api/register/", {{"username", "new"}, {"password", "pw"}});
  EXPECT_EQ(cookie_token(set_cookie(with_tokens, "refresh_token")), "refresh-8");
  registered.clear_tokens();
  auth_.register_user.reply_with(registered);
  auto without_tokens = send("POST", "/auth/register", {{"email", "x@example.com"}, {"password", "pw"}});
  ASSERT_EQ(without_tokens.status, 201);
  EXPECT_EQ(set_cookie(without_tokens, "refresh_token"), "");
  EXPECT_FALSE(without_tokens.body.contains("tokens"));
}

TEST_F(RefreshCookieTest, DjosersJwtRoutesKeepTheCookieAndDeletingTheAccountClearsIt) {
  auto created = send("POST", "/auth/jwt/create/", {{"username", "cookie"}, {"password", "pw"}});
  ASSERT_EQ(created.status, 200) << created.text;
  EXPECT_EQ(cookie_token(set_cookie(created, "refresh_token")), "refresh-1");
  httplib::Headers cookies = {{"Cookie", "csrftoken=t; refresh_token=refresh-1"}, {"X-CSRF-Token", "t"}};
  auto refreshed = send("POST", "/auth/jwt/refresh/", json::object(), {}, cookies);
  ASSERT_EQ(refreshed.status, 200) << refreshed.text;
  EXPECT_EQ(auth_.refresh.last_request().refresh(), "refresh-1");
  EXPECT_EQ(cookie_token(set_cookie(refreshed, "refresh_token")), "refresh-2");

  const std::string cleared = "refresh_token=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0";
  std::string access = tokens_.access();
  auth_.delete_me.fail_with(common::invalid_argument({{"current_password", {"Invalid password."}}}));
  auto refused = send("DELETE", "/api/me/", {{"current_password", "nope"}}, access, cookies);
  EXPECT_EQ(refused.status, 400);
  EXPECT_EQ(set_cookie(refused, "refresh_token"), "") << "a refused deletion keeps the session";
  auth_.delete_me.reply_with({});
  for (const char* path : {"/api/me/", "/auth/users/me/"}) {
    auto deleted = send("DELETE", path, {{"current_password", "pw"}}, access, cookies);
    EXPECT_EQ(deleted.status, 204) << path;
    EXPECT_EQ(set_cookie(deleted, "refresh_token"), cleared) << path;
  }
}

// The default: the cookie is Secure.
class SecureRefreshCookieTest : public GatewayTest {
 protected:
  void configure(Settings& settings) override { settings["GATEWAY_REFRESH_COOKIE"] = "true"; }
};

TEST_F(SecureRefreshCookieTest, TheCookieIsSecureUnlessConfiguredOtherwise) {
  auth::v1::LoginResponse login;
  *login.mutable_tokens() = token_pair("a", "r");
  auth_.login.reply_with(login);
  auto reply = send("POST", "/api/token/", {{"username", "u"}, {"password", "p"}});
  EXPECT_TRUE(set_cookie(reply, "refresh_token").ends_with("; Secure")) << set_cookie(reply, "refresh_token");
  auto out = send("POST", "/api/logout/", {{"refresh", "r"}});
  EXPECT_EQ(set_cookie(out, "refresh_token"), "refresh_token=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0; Secure");
}

}  // namespace
}  // namespace gateway_test
