#include "auth/api/admin_service.hpp"

#include "auth/api/bearer_caller.hpp"
#include "auth/api/page_token.hpp"
#include "auth/api/rpc_support.hpp"
#include "common/core/proto_time.hpp"
#include "common/core/text.hpp"
#include "common/service/run_rpc.hpp"

namespace auth {

using namespace rpc;
using common::to_timestamp;
using grpc::StatusCode;

namespace {

constexpr int kDefaultPageSize = 20;
constexpr int kMaxPageSize = 100;
constexpr std::size_t kMaxQueryLength = 150;  // characters; any identifier we store is shorter
constexpr std::string_view kServiceKeyScheme = "ServiceKey ";

// The address this call came from. Not x-client-ip: the admin API is not behind the gateway,
// and any caller may send that header.
std::string peer_address(const grpc::ServerContext& context) {
  std::string peer = context.peer();  // "ipv4:127.0.0.1:5000", "ipv6:[::1]:5000", "unix:/path"
  if (!peer.starts_with("ipv4:") && !peer.starts_with("ipv6:")) return peer;
  std::string host = peer.substr(5, peer.rfind(':') - 5);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  return host;
}

// page_size as admin.proto says: 0 is the default, 1..100 as asked, anything else refused.
std::optional<int> page_size(std::int32_t requested, common::FieldErrors& errors) {
  if (requested == 0) return kDefaultPageSize;
  if (requested >= 1 && requested <= kMaxPageSize) return requested;
  errors["page_size"].push_back("Ensure this value is between 1 and " + std::to_string(kMaxPageSize) + ".");
  return std::nullopt;
}

// The id a page continues from (ListUsers: after it; ListAuditEvents: before it); 0 first.
std::optional<std::int64_t> page_position(const std::string& token, common::FieldErrors& errors) {
  auto id = page_token_id(token);
  if (!id) errors["page_token"].push_back("Invalid page token.");
  return id;
}

void fill_admin_user(const DirectoryEntry& entry, v1::AdminUser* user) {
  user->set_id(entry.id);
  user->set_username(entry.username);
  user->set_email(entry.email);
  user->set_name(entry.name);
  user->set_email_verified(entry.email_verified);
  user->set_is_active(entry.is_active);
  user->set_is_staff(entry.is_staff);
  *user->mutable_date_joined() = to_timestamp(entry.date_joined);
  if (entry.last_login) *user->mutable_last_login() = to_timestamp(*entry.last_login);
  user->set_pending_email(entry.pending_email);
  user->set_live_sessions(entry.live_sessions);
}

void fill_audit_event(const AuditEvent& event, v1::AuditEvent* out) {
  out->set_id(event.id);
  *out->mutable_at() = to_timestamp(event.at);
  out->set_actor(event.actor);
  out->set_action(event.action);
  out->set_target_user(event.target_user);
  out->set_client_ip(event.client_ip);
  out->set_detail(event.detail);
}

}  // namespace

std::optional<Actor> AdminServiceImpl::caller(const grpc::ServerContext& context, grpc::Status& status) {
  std::string authorization = common::metadata_value(context, "authorization");
  if (authorization.starts_with(kServiceKeyScheme)) {
    auto name = p_.service_keys.authenticate(authorization.substr(kServiceKeyScheme.size()));
    if (!name) {
      status = token_not_valid("Service key not valid");
      return std::nullopt;
    }
    return Actor{"service:" + *name, peer_address(context)};
  }
  auto user = bearer_caller(context, p_.tokens, p_.users, p_.revocations, status);
  if (!user) return std::nullopt;
  if (!user->is_staff) {
    status = common::status_with_reason(StatusCode::PERMISSION_DENIED, kNotAllowed, "not_staff");
    return std::nullopt;
  }
  return Actor{"user:" + std::to_string(user->id), peer_address(context)};
}

template <class Body>
grpc::Status AdminServiceImpl::admin_rpc(grpc::ServerContext* context, const char* method, Body&& body) {
  return common::run_rpc(context, method, [&] {
    grpc::Status status;
    auto actor = caller(*context, status);
    if (!actor) return status;
    return body(*actor);
  });
}

grpc::Status AdminServiceImpl::ListUsers(grpc::ServerContext* context, const v1::ListUsersRequest* request,
                                         v1::ListUsersResponse* response) {
  return admin_rpc(context, "admin.ListUsers", [&](const Actor&) {
    auto errors = text_errors({{"query", &request->query()}});
    if (!errors.empty()) return common::invalid_argument(errors);
    std::string query = common::trim(request->query());
    if (common::utf8_length(query) > kMaxQueryLength) {
      errors["query"].push_back("Ensure this field has no more than " + std::to_string(kMaxQueryLength) +
                                " characters.");
    }
    auto size = page_size(request->page_size(), errors);
    auto after = page_position(request->page_token(), errors);
    if (!errors.empty()) return common::invalid_argument(errors);

    // One row more than the page: whether there is a next page, without a second query.
    auto page = p_.directory.search(query, *after, *size + 1);
    bool more = page.users.size() > static_cast<std::size_t>(*size);
    if (more) page.users.pop_back();
    for (const auto& entry : page.users) fill_admin_user(entry, response->add_users());
    if (more) response->set_next_page_token(page_token_after(page.users.back().id));
    response->set_total(page.total);
    return grpc::Status::OK;
  });
}

grpc::Status AdminServiceImpl::GetUser(grpc::ServerContext* context, const v1::GetUserRequest* request,
                                       v1::GetUserResponse* response) {
  return admin_rpc(context, "admin.GetUser", [&](const Actor&) {
    auto user = p_.directory.get(request->id());
    if (!user) return common::not_found();
    fill_admin_user(*user, response->mutable_user());
    return grpc::Status::OK;
  });
}

grpc::Status AdminServiceImpl::SetUserActive(grpc::ServerContext* context, const v1::SetUserActiveRequest* request,
                                             v1::SetUserActiveResponse* response) {
  return admin_rpc(context, "admin.SetUserActive", [&](const Actor& actor) {
    auto change = p_.actions.set_active(actor, request->id(), request->active());
    if (!change) return common::not_found();
    fill_admin_user(change->user, response->mutable_user());
    response->set_sessions_ended(static_cast<std::int32_t>(change->ended.size()));
    return grpc::Status::OK;
  });
}

grpc::Status AdminServiceImpl::SetUserStaff(grpc::ServerContext* context, const v1::SetUserStaffRequest* request,
                                            v1::SetUserStaffResponse* response) {
  return admin_rpc(context, "admin.SetUserStaff", [&](const Actor& actor) {
    auto user = p_.actions.set_staff(actor, request->id(), request->staff());
    if (!user) return common::not_found();
    fill_admin_user(*user, response->mutable_user());
    return grpc::Status::OK;
  });
}

grpc::Status AdminServiceImpl::EndUserSessions(grpc::ServerContext* context, const v1::EndUserSessionsRequest* request,
                                               v1::EndUserSessionsResponse* response) {
  return admin_rpc(context, "admin.EndUserSessions", [&](const Actor& actor) {
    auto ended = p_.actions.end_sessions(actor, request->id());
    if (!ended) return common::not_found();
    response->set_sessions_ended(static_cast<std::int32_t>(*ended));
    return grpc::Status::OK;
  });
}

grpc::Status AdminServiceImpl::SendPasswordReset(grpc::ServerContext* context,
                                                 const v1::SendPasswordResetRequest* request,
                                                 v1::SendPasswordResetResponse*) {
  return admin_rpc(context, "admin.SendPasswordReset", [&](const Actor& actor) {
    if (!p_.actions.send_password_reset(actor, request->id(), p_.send_reset)) return common::not_found();
    return grpc::Status::OK;
  });
}

grpc::Status AdminServiceImpl::ListAuditEvents(grpc::ServerContext* context, const v1::ListAuditEventsRequest* request,
                                               v1::ListAuditEventsResponse* response) {
  return admin_rpc(context, "admin.ListAuditEvents", [&](const Actor&) {
    common::FieldErrors errors;
    auto size = page_size(request->page_size(), errors);
    auto before = page_position(request->page_token(), errors);
    if (!errors.empty()) return common::invalid_argument(errors);

    auto events = p_.audit.newest(request->target_user(), *before, *size + 1);
    bool more = events.size() > static_cast<std::size_t>(*size);
    if (more) events.pop_back();
    for (const auto& event : events) fill_audit_event(event, response->add_events());
    if (more) response->set_next_page_token(page_token_after(events.back().id));
    return grpc::Status::OK;
  });
}

}  // namespace auth
