#pragma once

#include <httplib.h>

#include <optional>
#include <set>
#include <string>
#include <vector>

// What browsers need from the gateway: CORS for the configured origins (credentials allowed,
// preflights answered here without touching the services), and CSRF double-submit protection
// for state-changing requests that carry cookies (API.md, seed 004).
namespace gateway {

class BrowserSecurity final {
 public:
  BrowserSecurity(std::vector<std::string> allowed_origins, int preflight_max_age_seconds);

  // Adds the CORS answer headers when the request's Origin is allowed.
  void add_cors_headers(const httplib::Request& request, httplib::Response& response) const;
  static bool is_preflight(const httplib::Request& request);
  // Answers a preflight for a path that supports `methods`; add_cors_headers() ran before.
  void answer_preflight(const httplib::Request& request, httplib::Response& response,
                        const std::vector<std::string>& methods) const;

  // A request that carries cookies and changes state must echo the csrftoken cookie in
  // X-CSRF-Token or X-CSRFToken; the DRF-style reason when it does not.
  static std::optional<std::string> csrf_refusal(const httplib::Request& request);
  // A new token and the Set-Cookie value that stores it (readable by the page's script).
  static std::pair<std::string, std::string> new_csrf_cookie();

  static constexpr const char* kCsrfCookie = "csrftoken";

 private:
  std::set<std::string> origins_;
  int max_age_;
};

// The value of cookie `name` in the request's Cookie headers; nullopt when absent.
std::optional<std::string> cookie_value(const httplib::Request& request, const std::string& name);

}  // namespace gateway
