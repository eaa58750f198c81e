#include "gateway/browser_security.hpp"

#include <gtest/gtest.h>

namespace {

using gateway::BrowserSecurity;

httplib::Request request(const std::string& method, const httplib::Headers& headers) {
  httplib::Request r;
  r.method = method;
  r.headers = headers;
  return r;
}

TEST(BrowserSecurity, CorsAnswersOnlyConfiguredOriginsWithCredentials) {
  BrowserSecurity security({"http://localhost:5173"}, 600);
  httplib::Response allowed;
  security.add_cors_headers(request("GET", {{"Origin", "http://localhost:5173"}}), allowed);
  EXPECT_EQ(allowed.get_header_value("Access-Control-Allow-Origin"), "http://localhost:5173");
  EXPECT_EQ(allowed.get_header_value("Access-Control-Allow-Credentials"), "true");
  EXPECT_EQ(allowed.get_header_value("Vary"), "Origin");
  httplib::Response refused;
  security.add_cors_headers(request("GET", {{"Origin", "https://evil.example"}}), refused);
  EXPECT_FALSE(refused.has_header("Access-Control-Allow-Origin"));
  EXPECT_EQ(refused.get_header_value("Vary"), "Origin");
}

TEST(BrowserSecurity, PreflightListsThePathsMethodsForAnAllowedOrigin) {
  BrowserSecurity security({"http://localhost:3000"}, 120);
  auto preflight =
      request("OPTIONS", {{"Origin", "http://localhost:3000"}, {"Access-Control-Request-Method", "PATCH"}});
  ASSERT_TRUE(BrowserSecurity::is_preflight(preflight));
  EXPECT_FALSE(BrowserSecurity::is_preflight(request("OPTIONS", {})));
  httplib::Response response;
  security.add_cors_headers(preflight, response);
  security.answer_preflight(preflight, response, {"GET", "PATCH", "OPTIONS"});
  EXPECT_EQ(response.status, 204);
  EXPECT_EQ(response.get_header_value("Access-Control-Allow-Methods"), "GET, PATCH, OPTIONS");
  EXPECT_EQ(response.get_header_value("Access-Control-Max-Age"), "120");
  EXPECT_NE(response.get_header_value("Access-Control-Allow-Headers").find("X-CSRF-Token"), std::string::npos);
}

TEST(BrowserSecurity, CsrfIsDoubleSubmitForStateChangesThatCarryCookies) {
  EXPECT_FALSE(BrowserSecurity::csrf_refusal(request("POST", {{"Authorization", "Bearer x"}})));
  EXPECT_FALSE(BrowserSecurity::csrf_refusal(request("GET", {{"Cookie", "csrftoken=abc"}})));
  EXPECT_EQ(BrowserSecurity::csrf_refusal(request("POST", {{"Cookie", "sessionid=1"}})),
            "CSRF Failed: CSRF cookie not set.");
  EXPECT_EQ(BrowserSecurity::csrf_refusal(request("DELETE", {{"Cookie", "a=1; csrftoken=abc"}})),
            "CSRF Failed: CSRF token missing.");
  EXPECT_EQ(BrowserSecurity::csrf_refusal(request("PUT", {{"Cookie", "csrftoken=abc"}, {"X-CSRF-Token", "abd"}})),
            "CSRF Failed: CSRF token incorrect.");
  EXPECT_FALSE(BrowserSecurity::csrf_refusal(request("POST", {{"Cookie", "csrftoken=abc"}, {"X-CSRF-Token", "abc"}})));
  EXPECT_FALSE(
      BrowserSecurity::csrf_refusal(request("PATCH", {{"Cookie", "x=y;csrftoken=abc"}, {"X-CSRFToken", "abc"}})));
}

TEST(BrowserSecurity, NewCsrfCookiesAreRandomAndReadableByThePage) {
  auto [first, cookie] = BrowserSecurity::new_csrf_cookie();
  auto [second, unused] = BrowserSecurity::new_csrf_cookie();
  EXPECT_EQ(first.size(), 64u);
  EXPECT_NE(first, second);
  EXPECT_TRUE(cookie.starts_with("csrftoken=" + first + ";"));
  EXPECT_EQ(cookie.find("HttpOnly"), std::string::npos);
  EXPECT_NE(cookie.find("SameSite=Lax"), std::string::npos);
}

}  // namespace
