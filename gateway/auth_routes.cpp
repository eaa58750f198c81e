#include "gateway/auth_routes.hpp"

#include "gateway/handler_support.hpp"

namespace gateway {
namespace {

using auth::v1::LoginRequest;
using auth::v1::LoginResponse;

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

bool login(RequestContext& ctx, Upstreams& upstreams, LoginResponse& reply) {
  LoginRequest request;
  if (!read_login(ctx, request)) return false;
  return forward(ctx, upstreams, [&](grpc::ClientContext* c) {
    return upstreams.auth().Login(c, request, &reply);
  });
}

// A required token field; false when a 400 was written.
bool read_token_field(RequestContext& ctx, const char* name, std::string& out) {
  FieldReader in{ctx.body, {}};
  auto value = in.get(name);
  if (in.errors.empty() && !value) in.errors[name].push_back("This field is required.");
  if (in.errors.empty() && value->empty()) in.errors[name].push_back("This field may not be blank.");
  if (!in.errors.empty()) {
    send_field_errors(ctx.response, in.errors);
    return false;
  }
  out = *value;
  return true;
}

}  // namespace

void add_auth_routes(Router& router, Upstreams& upstreams) {
  router.add("POST", "/api/register/", Access::kPublic, [&upstreams](RequestContext& ctx) {
    FieldReader in{ctx.body, {}};
    auth::v1::RegisterRequest request;
    if (auto v = in.get("username")) request.set_username(*v);
    if (auto v = in.get("email")) request.set_email(*v);
    if (auto v = in.get("name")) request.set_name(*v);
    if (auto v = in.get("password")) request.set_password(*v);
    if (auto v = in.get("password2")) request.set_password2(*v);
    if (!in.errors.empty()) return send_field_errors(ctx.response, in.errors);
    auth::v1::RegisterResponse reply;
    if (!forward(ctx, upstreams, [&](grpc::ClientContext* c) {
          return upstreams.auth().Register(c, request, &reply);
        })) {
      return;
    }
    // The union of what seeds 000, 001 and 002 read from their registration answers.
    const auto& user = reply.user();
    send_json(ctx.response, 201,
              {{"id", user.id()},
               {"user_id", user.id()},
               {"username", user.username()},
               {"email", user.email()},
               {"name", user.name()},
               {"access", reply.tokens().access()},
               {"refresh", reply.tokens().refresh()},
               {"is_error", 0},
               {"message", "success"}});
  });

  router.add("POST", "/api/token/", Access::kPublic, [&upstreams](RequestContext& ctx) {
    LoginResponse reply;
    if (!login(ctx, upstreams, reply)) return;
    send_json(ctx.response, 200, {{"access", reply.tokens().access()}, {"refresh", reply.tokens().refresh()}});
  });

  router.add("POST", "/api/login/", Access::kPublic, [&upstreams](RequestContext& ctx) {
    LoginResponse reply;
    if (!login(ctx, upstreams, reply)) return;
    send_json(ctx.response, 200,
              {{"email", reply.user().email()},
               {"token", {{"refresh", reply.tokens().refresh()}, {"access", reply.tokens().access()}}}});
  });

  router.add("POST", "/api/token/refresh/", Access::kPublic, [&upstreams](RequestContext& ctx) {
    auth::v1::RefreshRequest request;
    if (!read_token_field(ctx, "refresh", *request.mutable_refresh())) return;
    auth::v1::RefreshResponse reply;
    if (!forward(ctx, upstreams, [&](grpc::ClientContext* c) {
          return upstreams.auth().Refresh(c, request, &reply);
        })) {
      return;
    }
    send_json(ctx.response, 200, {{"access", reply.tokens().access()}, {"refresh", reply.tokens().refresh()}});
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

  router.add("POST", "/api/logout/", Access::kPublic, [&upstreams](RequestContext& ctx) {
    auth::v1::LogoutRequest request;
    if (!read_token_field(ctx, "refresh", *request.mutable_refresh())) return;
    // The access token presented with the logout is revoked too.
    if (auto access = common::jwt::parse_bearer(ctx.http.get_header_value("Authorization"))) {
      request.set_access(*access);
    }
    auth::v1::LogoutResponse reply;
    if (!forward(ctx, upstreams, [&](grpc::ClientContext* c) {
          return upstreams.auth().Logout(c, request, &reply);
        })) {
      return;
    }
    send_json(ctx.response, 200, {{"message", "Successfully logged out"}});
  });
}

}  // namespace gateway
