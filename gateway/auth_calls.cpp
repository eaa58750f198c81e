#include "gateway/auth_calls.hpp"

#include "common/jwt/jwt.hpp"

namespace gateway {
namespace {

using Stub = auth::v1::AuthService::Stub;

constexpr const char* kRequired = "This field is required.";
constexpr const char* kBlank = "This field may not be blank.";

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
  if (in.errors.empty() && !value) in.errors[name].push_back(kRequired);
  if (in.errors.empty() && value->empty()) in.errors[name].push_back(kBlank);
  if (in.errors.empty()) return value;
  send_field_errors(ctx.response, in.errors);
  return std::nullopt;
}

// Copies the body's `fields` into the request of `rpc` and calls it; the reply keeps the user
// and how many sessions ended, where the RPC says.
template <class RpcPointer>
AuthCall forwarding(Upstreams& upstreams, RpcPointer rpc, std::vector<std::string> fields) {
  return [&u = upstreams, rpc, fields = std::move(fields)](RequestContext& ctx) -> std::optional<AuthReply> {
    RequestOf<RpcPointer> request;
    if (!copy_fields(ctx, fields, request)) return std::nullopt;
    auto reply = call(ctx, u, u.auth(), rpc, request);
    if (!reply) return std::nullopt;
    AuthReply out;
    if constexpr (requires { reply->user(); }) out.user = reply->user();
    if constexpr (requires { reply->sessions_ended(); }) out.sessions_ended = reply->sessions_ended();
    return out;
  };
}

Handler answer(const AuthRoute& route) {
  return [call = route.call, status = route.status, shape = route.shape](RequestContext& ctx) {
    auto reply = call(ctx);
    if (!reply) return;
    if (status == 204) {
      ctx.response.status = 204;  // no body, no Content-Type
      return;
    }
    send_json(ctx.response, status, shape(*reply));
  };
}

}  // namespace

void add_auth_rows(Router& router, const std::vector<AuthRoute>& rows) {
  for (const auto& row : rows) router.add(row.method, row.pattern, row.access, answer(row));
}

AuthCall requiring(std::vector<std::string> names, AuthCall call) {
  return [names = std::move(names), call = std::move(call)](RequestContext& ctx) -> std::optional<AuthReply> {
    FieldReader in{ctx.body, {}};
    for (const auto& name : names) {
      auto value = in.get(name);
      if (in.errors.contains(name)) continue;  // not text: string_field said why
      if (!value) {
        in.errors[name].push_back(kRequired);
      } else if (value->empty()) {
        in.errors[name].push_back(kBlank);
      }
    }
    if (in.errors.empty()) return call(ctx);
    send_field_errors(ctx.response, in.errors);
    return std::nullopt;
  };
}

AuthCall AuthCalls::registration(std::vector<std::string> fields, bool with_session) const {
  return [&u = upstreams_, cookie = cookie_, fields = std::move(fields),
          with_session](RequestContext& ctx) -> std::optional<AuthReply> {
    auth::v1::RegisterRequest request;
    if (!copy_fields(ctx, fields, request)) return std::nullopt;
    request.set_without_session(!with_session);
    ctx.access_token = optional_bearer(ctx);
    auto reply = call(ctx, u, u.auth(), &Stub::Register, request);
    if (!reply) return std::nullopt;
    if (!reply->has_tokens()) return AuthReply{reply->user(), std::nullopt};
    cookie.set(ctx, reply->tokens());
    return AuthReply{reply->user(), reply->tokens()};
  };
}

AuthCall AuthCalls::login() const {
  return [&u = upstreams_, cookie = cookie_](RequestContext& ctx) -> std::optional<AuthReply> {
    auth::v1::LoginRequest request;
    if (!copy_fields(ctx, {"username", "email", "password"}, request)) return std::nullopt;
    auto reply = call(ctx, u, u.auth(), &Stub::Login, request);
    if (!reply) return std::nullopt;
    cookie.set(ctx, reply->tokens());
    return AuthReply{reply->user(), reply->tokens()};
  };
}

AuthCall AuthCalls::refresh(std::string field) const {
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

AuthCall AuthCalls::logout(std::string field) const {
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

AuthCall AuthCalls::verify() const {
  return [&u = upstreams_](RequestContext& ctx) -> std::optional<AuthReply> {
    auth::v1::VerifyRequest request;
    auto token = read_token_field(ctx, "token");
    if (!token) return std::nullopt;
    request.set_token(*token);
    if (!call(ctx, u, u.auth(), &Stub::Verify, request)) return std::nullopt;
    return AuthReply{};
  };
}

// The caller, known from the verified access token.
AuthCall AuthCalls::me() const {
  return [&u = upstreams_](RequestContext& ctx) -> std::optional<AuthReply> {
    auto reply = call(ctx, u, u.auth(), &Stub::GetMe, auth::v1::GetMeRequest());
    if (!reply) return std::nullopt;
    return AuthReply{reply->user(), std::nullopt};
  };
}

// Absent fields stay as they are; a new email waits for its link (the reply's pending_email).
AuthCall AuthCalls::update_me(std::vector<std::string> fields) const {
  return forwarding(upstreams_, &Stub::UpdateMe, std::move(fields));
}

// The caller's account, proving the password; every session of theirs ends, this browser's
// refresh cookie with them.
AuthCall AuthCalls::delete_me() const {
  return [&u = upstreams_, cookie = cookie_](RequestContext& ctx) -> std::optional<AuthReply> {
    if (!read_delete_body(ctx)) return std::nullopt;
    auth::v1::DeleteMeRequest request;
    if (!copy_fields(ctx, {"current_password"}, request)) return std::nullopt;
    auto reply = call(ctx, u, u.auth(), &Stub::DeleteMe, request);
    if (!reply) return std::nullopt;
    cookie.clear(ctx);
    return AuthReply{{}, std::nullopt, reply->sessions_ended()};
  };
}

// The caller's password, proving the current one; their other sessions end.
AuthCall AuthCalls::change_password() const {
  return forwarding(upstreams_, &Stub::ChangePassword, {"current_password", "new_password", "re_new_password"});
}

// The same answer whether or not an account uses the address (auth mails only if one does).
AuthCall AuthCalls::request_password_reset() const {
  return forwarding(upstreams_, &Stub::RequestPasswordReset, {"email"});
}

// A new password with the mailed token (and djoser's uid, when sent); every session of the
// account ends.
AuthCall AuthCalls::confirm_password_reset() const {
  return forwarding(upstreams_, &Stub::ConfirmPasswordReset, {"token", "new_password", "re_new_password", "uid"});
}

// The mailed token (and djoser's uid, when sent).
AuthCall AuthCalls::verify_email() const {
  return [&u = upstreams_](RequestContext& ctx) -> std::optional<AuthReply> {
    auth::v1::VerifyEmailRequest request;
    auto token = read_token_field(ctx, "token");
    if (!token) return std::nullopt;
    if (!copy_fields(ctx, {"uid"}, request)) return std::nullopt;
    request.set_token(*token);
    auto reply = call(ctx, u, u.auth(), &Stub::VerifyEmail, request);
    if (!reply) return std::nullopt;
    return AuthReply{reply->user(), std::nullopt};
  };
}

// Like a reset request: the same answer whatever the address.
AuthCall AuthCalls::resend_verification() const { return forwarding(upstreams_, &Stub::ResendVerification, {"email"}); }

Shape tokens_named(const char* access, const char* refresh) {
  return [access, refresh](const AuthReply& reply) {
    return nlohmann::json{{access, reply.tokens->access()}, {refresh, reply.tokens->refresh()}};
  };
}

Shape message(const char* text) {
  return [text](const AuthReply&) { return nlohmann::json{{"message", text}}; };
}

Shape detail(const char* text) {
  return [text](const AuthReply&) { return nlohmann::json{{"detail", text}}; };
}

nlohmann::json empty_object(const AuthReply&) { return nlohmann::json::object(); }

}  // namespace gateway
