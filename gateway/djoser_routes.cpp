#include "gateway/djoser_routes.hpp"

#include "gateway/auth_calls.hpp"

namespace gateway {
namespace {

// djoser's UserCreateSerializer answers the default User's USER_ID_FIELD, LOGIN_FIELD and
// REQUIRED_FIELDS.
nlohmann::json created_user(const AuthReply& reply) {
  return {{"id", reply.user.id()}, {"username", reply.user.username()}, {"email", reply.user.email()}};
}

// djoser's UserSerializer's keys, and our users' name: a key more breaks no client reading
// djoser's.
nlohmann::json current_user(const AuthReply& reply) {
  return {{"id", reply.user.id()},
          {"username", reply.user.username()},
          {"email", reply.user.email()},
          {"name", reply.user.name()}};
}

// djoser's re_password (the field of USER_CREATE_PASSWORD_RETYPE, checked here whenever it is
// sent) is our password2; a mismatch is said on non_field_errors in djoser's words, which
// differ from what auth says for password2.
AuthCall with_retyped_password(AuthCall registration) {
  return [registration = std::move(registration)](RequestContext& ctx) -> std::optional<AuthReply> {
    ctx.body.erase("password2");  // not a djoser field: ignored, as djoser ignores unknown fields
    auto retyped = ctx.body.find("re_password");
    if (retyped == ctx.body.end()) return registration(ctx);
    auto password = ctx.body.find("password");
    if (password != ctx.body.end() && password->is_string() && retyped->is_string() && *password != *retyped) {
      send_json(ctx.response, 400, {{"non_field_errors", {"The two password fields didn't match."}}});
      return std::nullopt;
    }
    nlohmann::json value = *retyped;
    ctx.body["password2"] = std::move(value);
    return registration(ctx);
  };
}

}  // namespace

void add_djoser_routes(Router& router, Upstreams& upstreams, RefreshCookie cookie) {
  AuthCalls auth(upstreams, cookie);
  const auto kPublic = Access::kPublic;
  const auto kCaller = Access::kAuthenticated;
  // LOGIN_FIELD (the username) is read-only in djoser's UserSerializer: a PUT or PATCH that
  // sends one leaves it, as djoser does. /api/me/ changes it.
  const std::vector<std::string> kWritableUserFields = {"email", "name"};
  add_auth_rows(
      router,
      {
          {"POST", "/auth/users/", kPublic,
           with_retyped_password(auth.registration({"username", "email", "name", "password", "password2"}, false)), 201,
           created_user},
          {"GET", "/auth/users/me/", kCaller, auth.me(), 200, current_user},
          {"PUT", "/auth/users/me/", kCaller, auth.update_me(kWritableUserFields), 200, current_user},
          {"PATCH", "/auth/users/me/", kCaller, auth.update_me(kWritableUserFields), 200, current_user},
          {"DELETE", "/auth/users/me/", kCaller, auth.delete_me(), 204, nullptr},
          {"POST", "/auth/users/set_password/", kCaller, auth.change_password(), 204, nullptr},
          {"POST", "/auth/users/reset_password/", kPublic, auth.request_password_reset(), 204, nullptr},
          // uid and token are required by djoser's UidAndTokenSerializer; auth checks them.
          {"POST", "/auth/users/reset_password_confirm/", kPublic,
           requiring({"uid", "token", "new_password"}, auth.confirm_password_reset()), 204, nullptr},
          {"POST", "/auth/users/activation/", kPublic, requiring({"uid", "token"}, auth.verify_email()), 204, nullptr},
          {"POST", "/auth/users/resend_activation/", kPublic, auth.resend_verification(), 204, nullptr},
          // djoser.urls.jwt: simplejwt's views, with rotation on (refresh answers a new refresh).
          {"POST", "/auth/jwt/create/", kPublic, auth.login(), 200, tokens_named("access", "refresh")},
          {"POST", "/auth/jwt/refresh/", kPublic, auth.refresh("refresh"), 200, tokens_named("access", "refresh")},
          {"POST", "/auth/jwt/verify/", kPublic, auth.verify(), 200, empty_object},
      });
}

}  // namespace gateway
