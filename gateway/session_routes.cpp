#include "gateway/session_routes.hpp"

#include "gateway/handler_support.hpp"
#include "gateway/json_shapes.hpp"

namespace gateway {
namespace {

using Stub = auth::v1::AuthService::Stub;

nlohmann::json session_json(const auth::v1::Session& session) {
  return {{"id", session.id()},
          {"created_at", iso8601(session.created_at())},
          {"last_used_at", iso8601(session.last_used_at())},
          {"expires_at", iso8601(session.expires_at())},
          {"user_agent", session.user_agent()},
          {"client_ip", session.client_ip()},
          {"current", session.current()}};
}

// 200 with the caller's live sessions, newest first, as a plain array.
Handler list_sessions(Upstreams& upstreams) {
  return [&upstreams](RequestContext& ctx) {
    auto reply = call(ctx, upstreams, upstreams.auth(), &Stub::ListSessions, auth::v1::ListSessionsRequest());
    if (!reply) return;
    nlohmann::json sessions = nlohmann::json::array();
    for (const auto& session : reply->sessions()) sessions.push_back(session_json(session));
    send_json(ctx.response, 200, sessions);
  };
}

// 204 once the session {session_id} has ended; another user's or an unknown one is 404. The
// router lets only well-formed ids reach here.
Handler end_session(Upstreams& upstreams) {
  return [&upstreams](RequestContext& ctx) {
    auth::v1::EndSessionRequest request;
    request.set_id(ctx.params.at(0));
    if (call(ctx, upstreams, upstreams.auth(), &Stub::EndSession, request)) ctx.response.status = 204;
  };
}

// 200 with how many sessions ended: every one of the caller's but the current one.
Handler end_other_sessions(Upstreams& upstreams) {
  return [&upstreams](RequestContext& ctx) {
    auto reply = call(ctx, upstreams, upstreams.auth(), &Stub::EndOtherSessions, auth::v1::EndOtherSessionsRequest());
    if (reply) send_json(ctx.response, 200, {{"sessions_ended", reply->sessions_ended()}});
  };
}

}  // namespace

void add_session_routes(Router& router, Upstreams& upstreams) {
  router.add("GET", "/api/sessions/", Access::kAuthenticated, list_sessions(upstreams));
  router.add("DELETE", "/api/sessions/{session_id}/", Access::kAuthenticated, end_session(upstreams));
  router.add("POST", "/api/sessions/revoke-others/", Access::kAuthenticated, end_other_sessions(upstreams));
}

}  // namespace gateway
