#pragma once

#include "common/core/trace_context.hpp"
#include "common/jwt/jwt.hpp"

#include <httplib.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace gateway {

// What a handler sees: the HTTP exchange plus what the pipeline established before it.
struct RequestContext {
  const httplib::Request& http;
  httplib::Response& response;
  std::vector<std::string> params;  // path parameters, in pattern order
  nlohmann::json body = nlohmann::json::object();
  std::string request_id;
  common::TraceParent trace;  // the client's trace (or a new one) with our span: sent to the services
  std::string client_ip;      // behind trusted proxies, from X-Forwarded-For
  std::string user_agent;     // the User-Agent header as display text (user_agent.hpp)
  // scheme://host[:port] of the API as clients reach it, for links; asked only by the routes
  // that build links, so other requests do not pay for it.
  std::function<std::string()> base_url;
  std::string access_token;    // set on authenticated routes
  common::jwt::Claims caller;  // set on authenticated routes
  // For the access log and metrics, written when the request is done.
  std::chrono::steady_clock::time_point started;
  std::string_view route;  // the matched route's pattern; empty when none matched
};

using Handler = std::function<void(RequestContext&)>;

enum class Access { kPublic, kAuthenticated };

// A route's pattern, compiled to literal text and placeholders and matched by a plain scan:
// std::regex over every route was 4-5 % of the gateway's CPU (issue 15).
class RoutePattern final {
 public:
  explicit RoutePattern(const std::string& pattern);
  // True when `path` matches; `params` then holds the placeholders' values, in order.
  bool match(std::string_view path, std::vector<std::string>& params) const;

 private:
  enum class Kind { kLiteral, kNumber, kSessionId };
  struct Token {
    Kind kind;
    std::string text;  // kLiteral's
  };
  std::vector<Token> tokens_;
};

struct Route {
  std::string method;
  // "/api/posts/{id}/": a placeholder is a positive integer, except {session_id}, a session's id
  // (hex, or "legacy-" and hex); the trailing slash is optional.
  std::string pattern;
  Access access;
  Handler handler;
  RoutePattern compiled;
};

// The one route table: canonical routes and seed aliases are rows alike.
class Router final {
 public:
  void add(const std::string& method, const std::string& pattern, Access access, Handler handler);

  struct Match {
    const Route* route = nullptr;
    std::vector<std::string> params;
    std::vector<std::string> allowed;  // methods the path supports (for 405's Allow)
  };
  // HEAD matches GET routes.
  Match match(const std::string& method, const std::string& path) const;

  // Every row, in the order added (the OpenAPI test compares them with the document).
  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
};

}  // namespace gateway
