#include "auth/api/auth_service.hpp"
#include "auth/api/rpc_support.hpp"
#include "common/core/log.hpp"
#include "common/core/proto_time.hpp"
#include "common/core/text.hpp"

// The caller's sessions (refresh-token families): ListSessions, EndSession, EndOtherSessions.
namespace auth {

using namespace rpc;
using common::to_timestamp;

grpc::Status AuthServiceImpl::ListSessions(grpc::ServerContext* context, const v1::ListSessionsRequest*,
                                           v1::ListSessionsResponse* response) {
  return storage_rpc(context, "auth.ListSessions", [&] {
    grpc::Status status;
    common::jwt::Claims claims;
    auto caller = authenticated_caller(*context, status, &claims);
    if (!caller) return status;
    for (const auto& record : p_.families.live_sessions(caller->id)) {
      auto* session = response->add_sessions();
      session->set_id(record.family);
      *session->mutable_created_at() = to_timestamp(record.created_at);
      *session->mutable_last_used_at() = to_timestamp(record.last_used_at);
      *session->mutable_expires_at() = to_timestamp(record.expires_at);
      session->set_user_agent(record.client.user_agent);
      session->set_client_ip(record.client.client_ip);
      session->set_current(record.family == claims.family);
    }
    return grpc::Status::OK;
  });
}

grpc::Status AuthServiceImpl::EndSession(grpc::ServerContext* context, const v1::EndSessionRequest* request,
                                         v1::EndSessionResponse*) {
  return storage_rpc(context, "auth.EndSession", [&] {
    grpc::Status status;
    auto caller = authenticated_caller(*context, status);
    if (!caller) return status;
    // Family ids are 32 hex digits, or "legacy-" and a token id: anything longer is no session.
    const std::string& id = request->id();
    if (id.empty() || id.size() > 128 || common::text_field_problem(id)) {
      return grpc::Status(grpc::StatusCode::NOT_FOUND, "Not found.");
    }
    // Another user's session is not found, like a missing one: ids reveal nothing.
    auto ended = p_.families.end_session(caller->id, id);
    if (!ended) return grpc::Status(grpc::StatusCode::NOT_FOUND, "Not found.");
    p_.revocations.publish_families({*ended});
    common::log::info("session ended by its user", {{"user_id", caller->id}, {"family", id}});
    return grpc::Status::OK;
  });
}

grpc::Status AuthServiceImpl::EndOtherSessions(grpc::ServerContext* context, const v1::EndOtherSessionsRequest*,
                                               v1::EndOtherSessionsResponse* response) {
  return storage_rpc(context, "auth.EndOtherSessions", [&] {
    grpc::Status status;
    common::jwt::Claims claims;
    auto caller = authenticated_caller(*context, status, &claims);
    if (!caller) return status;
    auto ended = p_.families.end_other_sessions(caller->id, claims.family);
    p_.revocations.publish_families(ended);
    common::log::info("other sessions ended by their user",
                      {{"user_id", caller->id}, {"sessions_ended", ended.size()}});
    response->set_sessions_ended(static_cast<std::int32_t>(ended.size()));
    return grpc::Status::OK;
  });
}

}  // namespace auth
