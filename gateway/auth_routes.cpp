#include "gateway/auth_routes.hpp"

#include "common/core/epoch.hpp"
#include "common/access/auth_client.hpp"
#include "gateway/browser_security.hpp"
#include "gateway/handler_support.hpp"
#include "gateway/json_shapes.hpp"

namespace gateway {
namespace {

using auth::v1::LoginRequest;
using auth::v1::LoginResponse;

constexpr const char* kRefreshCookie = "refresh_token";

std::optional<std::string> refresh_cookie(const RequestContext& ctx, const RefreshCookie& cookie) {
  return cookie.enabled ? cookie_value(ctx.http, kRefreshCookie) : std::nullopt;
}

void set_refresh_cookie(RequestContext& ctx, const RefreshCookie& cookie, const auth::v1::TokenPair& tokens) {
  if (!cookie.enabled || tokens.refresh().empty()) return;
  auto seconds_left = tokens.refresh_expires_at().seconds() - common::epoch_seconds(std::chrono::system_clock::now());
  ctx.response.set_header("Set-Cookie", std::string(kRefreshCookie) + "=" + tokens.refresh() +
                                            "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" +
                                            std::to_string(std::max<std::int64_t>(seconds_left, 0)) +
                                            (cookie.secure ? "; Secure" : ""));
}

void clear_refresh_cookie(RequestContext& ctx, const RefreshCookie& cookie) {
  if (!cookie.enabled) return;
  ctx.response.set_header("Set-Cookie", std::string(kRefreshCookie) + "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0" +
                                            (cookie.secure ? "; Secure" : ""));
}

// Reads the login fields; false when a response (400) was already written.
bool read_login(RequestContext& ctx, LoginRequest& request) {
  FieldReader in{ctx.body, {}};
  if (auto v = in.get("username")) request.set_username(*v);
  if (auto v = in.get("email")) request.set_email(*v);
  if (auto v = in.get("password")) request.set_password(*v);
  if (!in.errors.empty()) {
    send_field_errors(ctx.response, in.errors);
    return false;
  }
  return true;
}

bool login(RequestContext& ctx, Upstreams& upstreams, const RefreshCookie& cookie, LoginResponse& reply) {
  LoginRequest request;
  if (!read_login(ctx, request)) return false;
  if (!forward(ctx, upstreams, [&](grpc::ClientContext* c) { return upstreams.auth().Login(c, request, &reply); })) {
    return false;
  }
  set_refresh_cookie(ctx, cookie, reply.tokens());
  return true;
}

// A required token field; false when a 400 was written. `fallback`: used when the body lacks
// the field (the refresh-token cookie).
bool read_token_field(RequestContext& ctx, const char* name, std::string& out,
                      const std::optional<std::string>& fallback = std::nullopt) {
  FieldReader in{ctx.body, {}};
  auto value = in.get(name);
  if (!value && in.errors.empty()) value = fallback;
  if (in.errors.empty() && !value) in.errors[name].push_back("This field is required.");
  if (in.errors.empty() && value->empty()) in.errors[name].push_back("This field may not be blank.");
  if (!in.errors.empty()) {
    send_field_errors(ctx.response, in.errors);
    return false;
  }
  out = *value;
  return true;
}

// The bearer token of a public route, passed on when present (admin-only registration,
// logout's access token); public routes do not verify it here.
std::string optional_bearer(const RequestContext& ctx) {
  return common::jwt::parse_bearer(ctx.http.get_header_value("Authorization")).value_or("");
}

bool register_user(RequestContext& ctx, Upstreams& upstreams, const RefreshCookie& cookie,
                   const std::vector<const char*>& fields, auth::v1::RegisterResponse& reply) {
  FieldReader in{ctx.body, {}};
  auth::v1::RegisterRequest request;
  for (std::string field : fields) {
    auto value = in.get(field);
    if (!value) continue;
    if (field == "username") request.set_username(*value);
    if (field == "email") request.set_email(*value);
    if (field == "name") request.set_name(*value);
    if (field == "password") request.set_password(*value);
    if (field == "password2") request.set_password2(*value);
  }
  if (!in.errors.empty()) {
    send_field_errors(ctx.response, in.errors);
    return false;
  }
  ctx.access_token = optional_bearer(ctx);
  if (!forward(ctx, upstreams, [&](grpc::ClientContext* c) { return upstreams.auth().Register(c, request, &reply); })) {
    return false;
  }
  if (reply.has_tokens()) set_refresh_cookie(ctx, cookie, reply.tokens());
  return true;
}

bool refresh(RequestContext& ctx, Upstreams& upstreams, const RefreshCookie& cookie, const char* field,
             auth::v1::RefreshResponse& reply) {
  auth::v1::RefreshRequest request;
  if (!read_token_field(ctx, field, *request.mutable_refresh(), refresh_cookie(ctx, cookie))) return false;
  if (!forward(ctx, upstreams, [&](grpc::ClientContext* c) { return upstreams.auth().Refresh(c, request, &reply); })) {
    return false;
  }
  set_refresh_cookie(ctx, cookie, reply.tokens());
  return true;
}

bool logout(RequestContext& ctx, Upstreams& upstreams, const RefreshCookie& cookie, const char* field) {
  auth::v1::LogoutRequest request;
  if (!read_token_field(ctx, field, *request.mutable_refresh(), refresh_cookie(ctx, cookie))) return false;
  // The access token presented with the logout is revoked too.
  request.set_access(optional_bearer(ctx));
  auth::v1::LogoutResponse reply;
  if (!forward(ctx, upstreams, [&](grpc::ClientContext* c) { return upstreams.auth().Logout(c, request, &reply); })) {
    return false;
  }
  clear_refresh_cookie(ctx, cookie);
  return true;
}

// Seed 004's answer to register and login: the user and, when issued, the tokens.
nlohmann::json seed_four_json(const auth::v1::User& user, const auth::v1::TokenPair* tokens) {
  nlohmann::json body = {{"id", user.id()}, {"email", user.email()}, {"name", user.name()}};
  if (tokens) body["tokens"] = {{"refresh", tokens->refresh()}, {"access", tokens->access()}};
  return body;
}

nlohmann::json user_json(const auth::v1::User& user) {
  return {{"id", user.id()},
          {"username", user.username()},
          {"email", user.email()},
          {"name", user.name()},
          {"email_verified", user.email_verified()},
          {"date_joined", iso8601(user.date_joined())}};
}

}  // namespace

void add_auth_routes(Router& router, Upstreams& upstreams, RefreshCookie cookie) {
  router.add("POST", "/api/register/", Access::kPublic, [&upstreams, cookie](RequestContext& ctx) {
    auth::v1::RegisterResponse reply;
    if (!register_user(ctx, upstreams, cookie, {"username", "email", "name", "password", "password2"}, reply)) return;
    // The union of what seeds 000, 001 and 002 read from their registration answers. Tokens
    // only when the registration logged the user in (open policy, no email verification due).
    const auto& user = reply.user();
    nlohmann::json body = {{"id", user.id()},         {"user_id", user.id()},   {"username", user.username()},
                           {"email", user.email()},   {"name", user.name()},    {"is_error", 0},
                           {"message", "success"}};
    if (reply.has_tokens()) {
      body["access"] = reply.tokens().access();
      body["refresh"] = reply.tokens().refresh();
    }
    send_json(ctx.response, 201, body);
  });

  router.add("POST", "/tasks/register/", Access::kPublic, [&upstreams, cookie](RequestContext& ctx) {
    auth::v1::RegisterResponse reply;
    if (!register_user(ctx, upstreams, cookie, {"username", "password"}, reply)) return;
    send_json(ctx.response, 201, {{"message", "User registered successfully"}});
  });

  router.add("POST", "/api/token/", Access::kPublic, [&upstreams, cookie](RequestContext& ctx) {
    LoginResponse reply;
    if (!login(ctx, upstreams, cookie, reply)) return;
    send_json(ctx.response, 200, {{"access", reply.tokens().access()}, {"refresh", reply.tokens().refresh()}});
  });

  router.add("POST", "/api/auth/token/", Access::kPublic, [&upstreams, cookie](RequestContext& ctx) {
    LoginResponse reply;
    if (!login(ctx, upstreams, cookie, reply)) return;
    send_json(ctx.response, 200,
              {{"access_token", reply.tokens().access()}, {"refresh_token", reply.tokens().refresh()}});
  });

  router.add("POST", "/api/login/", Access::kPublic, [&upstreams, cookie](RequestContext& ctx) {
    LoginResponse reply;
    if (!login(ctx, upstreams, cookie, reply)) return;
    send_json(ctx.response, 200,
              {{"email", reply.user().email()},
               {"token", {{"refresh", reply.tokens().refresh()}, {"access", reply.tokens().access()}}}});
  });

  router.add("POST", "/api/token/refresh/", Access::kPublic, [&upstreams, cookie](RequestContext& ctx) {
    auth::v1::RefreshResponse reply;
    if (!refresh(ctx, upstreams, cookie, "refresh", reply)) return;
    send_json(ctx.response, 200, {{"access", reply.tokens().access()}, {"refresh", reply.tokens().refresh()}});
  });

  router.add("POST", "/api/auth/token/refresh/", Access::kPublic, [&upstreams, cookie](RequestContext& ctx) {
    auth::v1::RefreshResponse reply;
    if (!refresh(ctx, upstreams, cookie, "refresh_token", reply)) return;
    send_json(ctx.response, 200,
              {{"access_token", reply.tokens().access()}, {"refresh_token", reply.tokens().refresh()}});
  });

  router.add("POST", "/api/token/verify/", Access::kPublic, [&upstreams](RequestContext& ctx) {
    auth::v1::VerifyRequest request;
    if (!read_token_field(ctx, "token", *request.mutable_token())) return;
    auth::v1::VerifyResponse reply;
    if (!forward(ctx, upstreams, [&](grpc::ClientContext* c) {
          return upstreams.auth().Verify(c, request, &reply);
        })) {
      return;
    }
    send_json(ctx.response, 200, nlohmann::json::object());
  });

  router.add("POST", "/api/logout/", Access::kPublic, [&upstreams, cookie](RequestContext& ctx) {
    if (logout(ctx, upstreams, cookie, "refresh")) send_json(ctx.response, 200, {{"message", "Successfully logged out"}});
  });

  router.add("POST", "/api/auth/logout/", Access::kPublic, [&upstreams, cookie](RequestContext& ctx) {
    if (logout(ctx, upstreams, cookie, "refresh_token")) {
      send_json(ctx.response, 200, {{"message", "Successfully logged out."}});
    }
  });

  // Seed 004 (a browser client with cookies and CSRF).
  router.add("POST", "/auth/register", Access::kPublic, [&upstreams, cookie](RequestContext& ctx) {
    auth::v1::RegisterResponse reply;
    if (!register_user(ctx, upstreams, cookie, {"name", "email", "password"}, reply)) return;
    send_json(ctx.response, 201, seed_four_json(reply.user(), reply.has_tokens() ? &reply.tokens() : nullptr));
  });

  router.add("POST", "/auth/login", Access::kPublic, [&upstreams, cookie](RequestContext& ctx) {
    // Its client sends name and email; the email identifies the account, a name alone is
    // taken as the username.
    if (!ctx.body.contains("email") && ctx.body.contains("name")) ctx.body["username"] = ctx.body["name"];
    LoginResponse reply;
    if (!login(ctx, upstreams, cookie, reply)) return;
    send_json(ctx.response, 200, seed_four_json(reply.user(), &reply.tokens()));
  });

  router.add("POST", "/auth/logout", Access::kPublic, [&upstreams, cookie](RequestContext& ctx) {
    if (logout(ctx, upstreams, cookie, "refresh")) send_json(ctx.response, 200, {{"message", "Successfully logged out"}});
  });

  router.add("GET", "/api/me/", Access::kAuthenticated, [&upstreams](RequestContext& ctx) {
    auth::v1::GetMeResponse reply;
    if (!forward(ctx, upstreams, [&](grpc::ClientContext* c) {
          return upstreams.auth().GetMe(c, auth::v1::GetMeRequest(), &reply);
        })) {
      return;
    }
    send_json(ctx.response, 200, user_json(reply.user()));
  });

  router.add("POST", "/api/verify-email/", Access::kPublic, [&upstreams](RequestContext& ctx) {
    auth::v1::VerifyEmailRequest request;
    if (!read_token_field(ctx, "token", *request.mutable_token())) return;
    auth::v1::VerifyEmailResponse reply;
    if (!forward(ctx, upstreams, [&](grpc::ClientContext* c) {
          return upstreams.auth().VerifyEmail(c, request, &reply);
        })) {
      return;
    }
    send_json(ctx.response, 200, {{"message", "Email address verified."}});
  });

  router.add("GET", "/.well-known/jwks.json", Access::kPublic, [&upstreams](RequestContext& ctx) {
    auth::v1::GetJwksResponse reply;
    if (!forward(ctx, upstreams, [&](grpc::ClientContext* c) {
          return upstreams.auth().GetJwks(c, auth::v1::GetJwksRequest(), &reply);
        })) {
      return;
    }
    nlohmann::json keys = nlohmann::json::array();
    for (const auto& key : reply.keys()) keys.push_back(common::jwk_json(key));
    // Public keys may be cached (unlike everything else, which is no-store by default); short
    // enough that a rotated-in key reaches caching clients well before it signs much.
    ctx.response.headers.erase("Cache-Control");
    ctx.response.headers.erase("Pragma");
    ctx.response.set_header("Cache-Control", "public, max-age=300");
    send_json(ctx.response, 200, {{"keys", keys}});
  });
}

}  // namespace gateway
