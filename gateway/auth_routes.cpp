#include "gateway/auth_routes.hpp"

#include "common/access/auth_client.hpp"
#include "gateway/handler_support.hpp"
#include "gateway/json_shapes.hpp"

#include <functional>

namespace gateway {
namespace {

using Stub = auth::v1::AuthService::Stub;

// What an auth call leaves for the answer: the user and the tokens, as far as it returned them.
struct AuthReply {
  auth::v1::User user;
  std::optional<auth::v1::TokenPair> tokens;
  int sessions_ended = 0;  // a password change's other sessions
};

// Reads the request, calls auth and keeps the refresh cookie in step; nullopt when it has
// answered already (a field error, an upstream failure).
using AuthCall = std::function<std::optional<AuthReply>(RequestContext&)>;
// The success body in one seed's field names.
using Shape = std::function<nlohmann::json(const AuthReply&)>;

// One row of the table: an alias differs from its canonical route only in pattern, request
// field names and shape.
struct AuthRoute {
  const char* method;
  const char* pattern;
  Access access;
  AuthCall call;
  int status;
  Shape shape;
};

// The bearer token of a public route, passed on when present (admin-only registration,
// logout's access token); public routes do not verify it here.
std::string optional_bearer(const RequestContext& ctx) {
  return common::jwt::parse_bearer(ctx.http.get_header_value("Authorization")).value_or("");
}

// A required token field; nullopt when a 400 was written. `fallback`: used when the body lacks
// the field (the refresh-token cookie).
std::optional<std::string> read_token_field(RequestContext& ctx, const std::string& name,
                                            const std::optional<std::string>& fallback = std::nullopt) {
  FieldReader in{ctx.body, {}};
  auto value = in.get(name);
  if (!value && in.errors.empty()) value = fallback;
  if (in.errors.empty() && !value) in.errors[name].push_back("This field is required.");
  if (in.errors.empty() && value->empty()) in.errors[name].push_back("This field may not be blank.");
  if (in.errors.empty()) return value;
  send_field_errors(ctx.response, in.errors);
  return std::nullopt;
}

// The auth service's RPCs as the rows call them; each call keeps what it needs (the upstreams
// outlive the router).
class AuthCalls final {
 public:
  AuthCalls(Upstreams& upstreams, RefreshCookie cookie) : upstreams_(upstreams), cookie_(cookie) {}

  // Register with the body's `fields`.
  AuthCall registration(std::vector<std::string> fields) const {
    return [&u = upstreams_, cookie = cookie_,
            fields = std::move(fields)](RequestContext& ctx) -> std::optional<AuthReply> {
      auth::v1::RegisterRequest request;
      if (!copy_fields(ctx, fields, request)) return std::nullopt;
      ctx.access_token = optional_bearer(ctx);
      auto reply = call(ctx, u, u.auth(), &Stub::Register, request);
      if (!reply) return std::nullopt;
      if (!reply->has_tokens()) return AuthReply{reply->user(), std::nullopt};
      cookie.set(ctx, reply->tokens());
      return AuthReply{reply->user(), reply->tokens()};
    };
  }

  // Login with username or email and password.
  AuthCall login() const {
    return [&u = upstreams_, cookie = cookie_](RequestContext& ctx) -> std::optional<AuthReply> {
      auth::v1::LoginRequest request;
      if (!copy_fields(ctx, {"username", "email", "password"}, request)) return std::nullopt;
      auto reply = call(ctx, u, u.auth(), &Stub::Login, request);
      if (!reply) return std::nullopt;
      cookie.set(ctx, reply->tokens());
      return AuthReply{reply->user(), reply->tokens()};
    };
  }

  // Seed 004's client sends name and email: the email identifies the account, a name alone is
  // taken as the username.
  AuthCall login_by_email_or_name() const {
    return [login = login()](RequestContext& ctx) {
      if (!ctx.body.contains("email") && ctx.body.contains("name")) ctx.body["username"] = ctx.body["name"];
      return login(ctx);
    };
  }

  // Refresh the token in body field `field`, else in the cookie.
  AuthCall refresh(std::string field) const {
    return
        [&u = upstreams_, cookie = cookie_, field = std::move(field)](RequestContext& ctx) -> std::optional<AuthReply> {
          auth::v1::RefreshRequest request;
          auto token = read_token_field(ctx, field, cookie.read(ctx));
          if (!token) return std::nullopt;
          request.set_refresh(*token);
          auto reply = call(ctx, u, u.auth(), &Stub::Refresh, request);
          if (!reply) return std::nullopt;
          cookie.set(ctx, reply->tokens());
          return AuthReply{{}, reply->tokens()};
        };
  }

  // Log out the token in body field `field` (else the cookie's) and the access token presented
  // with it, which is revoked too.
  AuthCall logout(std::string field) const {
    return
        [&u = upstreams_, cookie = cookie_, field = std::move(field)](RequestContext& ctx) -> std::optional<AuthReply> {
          auth::v1::LogoutRequest request;
          auto token = read_token_field(ctx, field, cookie.read(ctx));
          if (!token) return std::nullopt;
          request.set_refresh(*token);
          request.set_access(optional_bearer(ctx));
          if (!call(ctx, u, u.auth(), &Stub::Logout, request)) return std::nullopt;
          cookie.clear(ctx);
          return AuthReply{};
        };
  }

  AuthCall verify() const {
    return [&u = upstreams_](RequestContext& ctx) -> std::optional<AuthReply> {
      auth::v1::VerifyRequest request;
      auto token = read_token_field(ctx, "token");
      if (!token) return std::nullopt;
      request.set_token(*token);
      if (!call(ctx, u, u.auth(), &Stub::Verify, request)) return std::nullopt;
      return AuthReply{};
    };
  }

  AuthCall verify_email() const {
    return [&u = upstreams_](RequestContext& ctx) -> std::optional<AuthReply> {
      auth::v1::VerifyEmailRequest request;
      auto token = read_token_field(ctx, "token");
      if (!token) return std::nullopt;
      request.set_token(*token);
      auto reply = call(ctx, u, u.auth(), &Stub::VerifyEmail, request);
      if (!reply) return std::nullopt;
      return AuthReply{reply->user(), std::nullopt};
    };
  }

  // The caller's password, proving the current one; their other sessions end.
  AuthCall change_password() const {
    return [&u = upstreams_](RequestContext& ctx) -> std::optional<AuthReply> {
      auth::v1::ChangePasswordRequest request;
      if (!copy_fields(ctx, {"current_password", "new_password", "re_new_password"}, request)) return std::nullopt;
      auto reply = call(ctx, u, u.auth(), &Stub::ChangePassword, request);
      if (!reply) return std::nullopt;
      return AuthReply{{}, std::nullopt, reply->sessions_ended()};
    };
  }

  // The caller, known from the verified access token.
  AuthCall me() const {
    return [&u = upstreams_](RequestContext& ctx) -> std::optional<AuthReply> {
      auto reply = call(ctx, u, u.auth(), &Stub::GetMe, auth::v1::GetMeRequest());
      if (!reply) return std::nullopt;
      return AuthReply{reply->user(), std::nullopt};
    };
  }

 private:
  Upstreams& upstreams_;
  RefreshCookie cookie_;
};

// Shapes.

Shape tokens_named(const char* access, const char* refresh) {
  return [access, refresh](const AuthReply& reply) {
    return nlohmann::json{{access, reply.tokens->access()}, {refresh, reply.tokens->refresh()}};
  };
}

Shape message(const char* text) {
  return [text](const AuthReply&) { return nlohmann::json{{"message", text}}; };
}

nlohmann::json empty_object(const AuthReply&) { return nlohmann::json::object(); }

// The union of what seeds 000, 001 and 002 read from their registration answers. Tokens only
// when the registration logged the user in (open policy, no email verification due).
nlohmann::json registration_union(const AuthReply& reply) {
  const auto& user = reply.user;
  nlohmann::json body = {{"id", user.id()},       {"user_id", user.id()}, {"username", user.username()},
                         {"email", user.email()}, {"name", user.name()},  {"is_error", 0},
                         {"message", "success"}};
  if (reply.tokens) {
    body["access"] = reply.tokens->access();
    body["refresh"] = reply.tokens->refresh();
  }
  return body;
}

// Seed 000's login answer.
nlohmann::json email_and_token(const AuthReply& reply) {
  return {{"email", reply.user.email()},
          {"token", {{"refresh", reply.tokens->refresh()}, {"access", reply.tokens->access()}}}};
}

// Seed 004's answer to register and login: the user and, when issued, the tokens.
nlohmann::json user_and_tokens(const AuthReply& reply) {
  nlohmann::json body = {{"id", reply.user.id()}, {"email", reply.user.email()}, {"name", reply.user.name()}};
  if (reply.tokens) body["tokens"] = {{"refresh", reply.tokens->refresh()}, {"access", reply.tokens->access()}};
  return body;
}

nlohmann::json password_changed(const AuthReply& reply) {
  return {{"detail", "Password changed."}, {"sessions_ended", reply.sessions_ended}};
}

nlohmann::json profile(const AuthReply& reply) {
  const auto& user = reply.user;
  return {{"id", user.id()},
          {"username", user.username()},
          {"email", user.email()},
          {"name", user.name()},
          {"email_verified", user.email_verified()},
          {"date_joined", iso8601(user.date_joined())}};
}

Handler answer(const AuthRoute& route) {
  return [call = route.call, status = route.status, shape = route.shape](RequestContext& ctx) {
    if (auto reply = call(ctx)) send_json(ctx.response, status, shape(*reply));
  };
}

Handler jwks(Upstreams& upstreams) {
  return [&upstreams](RequestContext& ctx) {
    auto reply = call(ctx, upstreams, upstreams.auth(), &Stub::GetJwks, auth::v1::GetJwksRequest());
    if (!reply) return;
    nlohmann::json keys = nlohmann::json::array();
    for (const auto& key : reply->keys()) keys.push_back(common::jwk_json(key));
    // Public keys may be cached (unlike everything else, which is no-store by default); short
    // enough that a rotated-in key reaches caching clients well before it signs much.
    ctx.response.headers.erase("Cache-Control");
    ctx.response.headers.erase("Pragma");
    ctx.response.set_header("Cache-Control", "public, max-age=300");
    send_json(ctx.response, 200, {{"keys", keys}});
  };
}

}  // namespace

void add_auth_routes(Router& router, Upstreams& upstreams, RefreshCookie cookie) {
  AuthCalls auth(upstreams, cookie);
  const auto kPublic = Access::kPublic;
  const std::vector<AuthRoute> routes = {
      {"POST", "/api/register/", kPublic, auth.registration({"username", "email", "name", "password", "password2"}),
       201, registration_union},
      {"POST", "/api/token/", kPublic, auth.login(), 200, tokens_named("access", "refresh")},
      {"POST", "/api/login/", kPublic, auth.login(), 200, email_and_token},
      {"POST", "/api/token/refresh/", kPublic, auth.refresh("refresh"), 200, tokens_named("access", "refresh")},
      {"POST", "/api/token/verify/", kPublic, auth.verify(), 200, empty_object},
      {"POST", "/api/logout/", kPublic, auth.logout("refresh"), 200, message("Successfully logged out")},
      {"GET", "/api/me/", Access::kAuthenticated, auth.me(), 200, profile},
      {"POST", "/api/verify-email/", kPublic, auth.verify_email(), 200, message("Email address verified.")},
      {"POST", "/api/password/change/", Access::kAuthenticated, auth.change_password(), 200, password_changed},
      // Seed 001.
      {"POST", "/api/auth/token/", kPublic, auth.login(), 200, tokens_named("access_token", "refresh_token")},
      {"POST", "/api/auth/token/refresh/", kPublic, auth.refresh("refresh_token"), 200,
       tokens_named("access_token", "refresh_token")},
      {"POST", "/api/auth/logout/", kPublic, auth.logout("refresh_token"), 200, message("Successfully logged out.")},
      // Seed 003.
      {"POST", "/tasks/register/", kPublic, auth.registration({"username", "password"}), 201,
       message("User registered successfully")},
      // Seed 004 (a browser client with cookies and CSRF).
      {"POST", "/auth/register", kPublic, auth.registration({"name", "email", "password"}), 201, user_and_tokens},
      {"POST", "/auth/login", kPublic, auth.login_by_email_or_name(), 200, user_and_tokens},
      {"POST", "/auth/logout", kPublic, auth.logout("refresh"), 200, message("Successfully logged out")},
  };
  for (const auto& route : routes) router.add(route.method, route.pattern, route.access, answer(route));
  router.add("GET", "/.well-known/jwks.json", kPublic, jwks(upstreams));
}

}  // namespace gateway
