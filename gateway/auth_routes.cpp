#include "gateway/auth_routes.hpp"

#include "common/access/auth_client.hpp"
#include "gateway/auth_calls.hpp"

namespace gateway {
namespace {

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

// Seed 004's client sends name and email: the email identifies the account, a name alone is
// taken as the username.
AuthCall login_by_email_or_name(AuthCall login) {
  return [login = std::move(login)](RequestContext& ctx) {
    if (!ctx.body.contains("email") && ctx.body.contains("name")) ctx.body["username"] = ctx.body["name"];
    return login(ctx);
  };
}

Handler jwks(Upstreams& upstreams) {
  return [&upstreams](RequestContext& ctx) {
    auto reply =
        call(ctx, upstreams, upstreams.auth(), &auth::v1::AuthService::Stub::GetJwks, auth::v1::GetJwksRequest());
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
  add_auth_rows(
      router,
      {
          {"POST", "/api/register/", kPublic, auth.registration({"username", "email", "name", "password", "password2"}),
           201, registration_union},
          {"POST", "/api/token/", kPublic, auth.login(), 200, tokens_named("access", "refresh")},
          {"POST", "/api/login/", kPublic, auth.login(), 200, email_and_token},
          {"POST", "/api/token/refresh/", kPublic, auth.refresh("refresh"), 200, tokens_named("access", "refresh")},
          {"POST", "/api/token/verify/", kPublic, auth.verify(), 200, empty_object},
          {"POST", "/api/logout/", kPublic, auth.logout("refresh"), 200, message("Successfully logged out")},
          // Seed 001.
          {"POST", "/api/auth/token/", kPublic, auth.login(), 200, tokens_named("access_token", "refresh_token")},
          {"POST", "/api/auth/token/refresh/", kPublic, auth.refresh("refresh_token"), 200,
           tokens_named("access_token", "refresh_token")},
          {"POST", "/api/auth/logout/", kPublic, auth.logout("refresh_token"), 200,
           message("Successfully logged out.")},
          // Seed 003.
          {"POST", "/tasks/register/", kPublic, auth.registration({"username", "password"}, false), 201,
           message("User registered successfully")},
          // Seed 004 (a browser client with cookies and CSRF).
          {"POST", "/auth/register", kPublic, auth.registration({"name", "email", "password"}), 201, user_and_tokens},
          {"POST", "/auth/login", kPublic, login_by_email_or_name(auth.login()), 200, user_and_tokens},
          {"POST", "/auth/logout", kPublic, auth.logout("refresh"), 200, message("Successfully logged out")},
      });
  router.add("GET", "/.well-known/jwks.json", kPublic, jwks(upstreams));
}

}  // namespace gateway
