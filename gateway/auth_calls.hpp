#pragma once

#include "gateway/handler_support.hpp"
#include "gateway/refresh_cookie.hpp"

#include <functional>
#include <optional>
#include <string>
#include <vector>

// The auth service's RPCs as the route tables call them (auth_routes, account_routes,
// djoser_routes): one row per route and alias, naming the call, the status and the answer's
// shape, so an alias differs from its canonical route only in pattern, field names and shape.
namespace gateway {

// What an auth call leaves for the answer, as far as the RPC returned it.
struct AuthReply {
  auth::v1::User user;
  std::optional<auth::v1::TokenPair> tokens;
  int sessions_ended = 0;  // sessions a password change, reset or deletion ended
};

// Reads the request, calls auth and keeps the refresh cookie in step; nullopt when it has
// answered already (a field error, an upstream failure).
using AuthCall = std::function<std::optional<AuthReply>(RequestContext&)>;
// The success body in one client's field names.
using Shape = std::function<nlohmann::json(const AuthReply&)>;

struct AuthRoute {
  const char* method;
  const char* pattern;
  Access access;
  AuthCall call;
  int status;   // 204: an empty answer
  Shape shape;  // unused for 204
};

void add_auth_rows(Router& router, const std::vector<AuthRoute>& rows);

// `call` once the body holds each of `names` as non-blank text, else 400 with every missing
// one: djoser's required fields that our RPCs take as optional (a uid) or check one by one.
AuthCall requiring(std::vector<std::string> names, AuthCall call);

// Each call keeps what it needs (the upstreams outlive the router).
class AuthCalls final {
 public:
  AuthCalls(Upstreams& upstreams, RefreshCookie cookie) : upstreams_(upstreams), cookie_(cookie) {}

  // Tokens. `fields`: the body's fields Register takes (`with_session` false: for answers that
  // carry no tokens, so no session is started that nobody holds); `field`: the body field
  // holding the refresh token, else the cookie's (logout revokes the presented access token too).
  AuthCall registration(std::vector<std::string> fields, bool with_session = true) const;
  AuthCall login() const;
  AuthCall refresh(std::string field) const;
  AuthCall logout(std::string field) const;
  AuthCall verify() const;

  // The account. `fields`: the body's fields UpdateMe takes.
  AuthCall me() const;
  AuthCall update_me(std::vector<std::string> fields) const;
  AuthCall delete_me() const;
  AuthCall change_password() const;
  AuthCall request_password_reset() const;
  AuthCall confirm_password_reset() const;
  AuthCall verify_email() const;
  AuthCall resend_verification() const;

 private:
  Upstreams& upstreams_;
  RefreshCookie cookie_;
};

// Shapes several tables use.
Shape tokens_named(const char* access, const char* refresh);
Shape message(const char* text);
Shape detail(const char* text);
nlohmann::json empty_object(const AuthReply&);

}  // namespace gateway
