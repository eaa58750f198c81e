#include "gateway/account_routes.hpp"

#include "gateway/auth_calls.hpp"
#include "gateway/json_shapes.hpp"

namespace gateway {
namespace {

nlohmann::json profile(const AuthReply& reply) {
  const auto& user = reply.user;
  return {{"id", user.id()},
          {"username", user.username()},
          {"email", user.email()},
          {"name", user.name()},
          {"email_verified", user.email_verified()},
          {"pending_email", user.pending_email()},
          {"date_joined", iso8601(user.date_joined())}};
}

Shape detail_and_sessions_ended(const char* text) {
  return [text](const AuthReply& reply) {
    return nlohmann::json{{"detail", text}, {"sessions_ended", reply.sessions_ended}};
  };
}

// The answers of the routes that mail a link say the same whether or not the address is known,
// so they tell no one which addresses have accounts.
constexpr const char* kResetMailed = "If an account uses this address, a password reset link has been sent to it.";
constexpr const char* kVerificationMailed =
    "If this address is waiting for verification, a new link has been sent to it.";

}  // namespace

void add_account_routes(Router& router, Upstreams& upstreams, RefreshCookie cookie) {
  AuthCalls auth(upstreams, cookie);
  const auto kPublic = Access::kPublic;
  const auto kCaller = Access::kAuthenticated;
  // No profile field is required on its own, so PUT is as partial as PATCH: absent fields stay.
  const std::vector<std::string> kProfileFields = {"username", "email", "name"};
  add_auth_rows(
      router,
      {
          {"GET", "/api/me/", kCaller, auth.me(), 200, profile},
          {"PUT", "/api/me/", kCaller, auth.update_me(kProfileFields), 200, profile},
          {"PATCH", "/api/me/", kCaller, auth.update_me(kProfileFields), 200, profile},
          {"DELETE", "/api/me/", kCaller, auth.delete_me(), 204, nullptr},
          {"POST", "/api/password/change/", kCaller, auth.change_password(), 200,
           detail_and_sessions_ended("Password changed.")},
          {"POST", "/api/password/reset/", kPublic, auth.request_password_reset(), 200, detail(kResetMailed)},
          {"POST", "/api/password/reset/confirm/", kPublic, auth.confirm_password_reset(), 200,
           detail_and_sessions_ended("Password has been reset.")},
          {"POST", "/api/verify-email/", kPublic, auth.verify_email(), 200, message("Email address verified.")},
          {"POST", "/api/verify-email/resend/", kPublic, auth.resend_verification(), 200, detail(kVerificationMailed)},
      });
}

}  // namespace gateway
