#include "gateway/browser_security.hpp"

#include "common/core/text.hpp"

#include <openssl/crypto.h>

namespace gateway {
namespace {

bool changes_state(const std::string& method) {
  return method == "POST" || method == "PUT" || method == "PATCH" || method == "DELETE";
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

bool equal_in_constant_time(const std::string& a, const std::string& b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace

std::optional<std::string> cookie_value(const httplib::Request& request, const std::string& name) {
  auto range = request.headers.equal_range("Cookie");
  for (auto it = range.first; it != range.second; ++it) {
    std::string_view rest = it->second;
    while (!rest.empty()) {
      auto end = rest.find(';');
      std::string pair = common::trim(rest.substr(0, end));
      rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
      auto eq = pair.find('=');
      if (eq != std::string::npos && pair.substr(0, eq) == name) return pair.substr(eq + 1);
    }
  }
  return std::nullopt;
}

BrowserSecurity::BrowserSecurity(std::vector<std::string> allowed_origins, int preflight_max_age_seconds)
    : origins_(allowed_origins.begin(), allowed_origins.end()), max_age_(preflight_max_age_seconds) {}

void BrowserSecurity::add_cors_headers(const httplib::Request& request, httplib::Response& response) const {
  std::string origin = request.get_header_value("Origin");
  // The answer differs by Origin: caches must keep them apart.
  if (!origin.empty()) response.set_header("Vary", "Origin");
  if (origin.empty() || origins_.count(origin) == 0) return;
  response.set_header("Access-Control-Allow-Origin", origin);
  response.set_header("Access-Control-Allow-Credentials", "true");
  response.set_header("Access-Control-Expose-Headers", "X-Request-Id, Retry-After, WWW-Authenticate");
}

bool BrowserSecurity::is_preflight(const httplib::Request& request) {
  return request.method == "OPTIONS" && request.has_header("Origin") &&
         request.has_header("Access-Control-Request-Method");
}

void BrowserSecurity::answer_preflight(const httplib::Request&, httplib::Response& response,
                                       const std::vector<std::string>& methods) const {
  response.status = 204;
  if (!response.has_header("Access-Control-Allow-Origin")) return;  // not an allowed origin
  response.set_header("Access-Control-Allow-Methods", join(methods));
  response.set_header("Access-Control-Allow-Headers",
                      "Authorization, Content-Type, X-CSRF-Token, X-CSRFToken, X-Request-Id");
  response.set_header("Access-Control-Max-Age", std::to_string(max_age_));
}

std::optional<std::string> BrowserSecurity::csrf_refusal(const httplib::Request& request) {
  // Bearer-only clients send no cookies: a cross-site page cannot make a browser add a
  // bearer header, so they need no CSRF token.
  if (!changes_state(request.method) || !request.has_header("Cookie")) return std::nullopt;
  auto cookie = cookie_value(request, kCsrfCookie);
  if (!cookie || cookie->empty()) return "CSRF Failed: CSRF cookie not set.";
  std::string sent = request.get_header_value("X-CSRF-Token");
  if (sent.empty()) sent = request.get_header_value("X-CSRFToken");
  if (sent.empty()) return "CSRF Failed: CSRF token missing.";
  if (!equal_in_constant_time(sent, *cookie)) return "CSRF Failed: CSRF token incorrect.";
  return std::nullopt;
}

std::pair<std::string, std::string> BrowserSecurity::new_csrf_cookie() {
  std::string token = common::random_hex(32);
  // Not HttpOnly: the page's script reads it to send it back in the header (double submit).
  return {token, std::string(kCsrfCookie) + "=" + token + "; Path=/; SameSite=Lax; Max-Age=31449600"};
}

}  // namespace gateway
