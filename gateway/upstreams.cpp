#include "gateway/upstreams.hpp"

#include "common/grpc/grpc_channel.hpp"

#include <grpcpp/grpcpp.h>

namespace gateway {
namespace {

// Calls that change nothing (or set the same state again), so a retry on another replica is
// safe when the first one became UNAVAILABLE.
const std::vector<common::RetriedMethod>& idempotent_auth_calls() {
  static const std::vector<common::RetriedMethod> calls{{"auth.v1.AuthService", "Verify"},
                                                        {"auth.v1.AuthService", "GetMe"},
                                                        {"auth.v1.AuthService", "GetJwks"},
                                                        {"auth.v1.AuthService", "CheckRevocation"},
                                                        {"grpc.health.v1.Health", "Check"}};
  return calls;
}

const std::vector<common::RetriedMethod>& idempotent_content_calls() {
  static const std::vector<common::RetriedMethod> calls{
      {"content.v1.ContentService", "GetPost"},      {"content.v1.ContentService", "ListPosts"},
      {"content.v1.ContentService", "UpdatePost"},   {"content.v1.ContentService", "GetTask"},
      {"content.v1.ContentService", "ListTasks"},    {"content.v1.ContentService", "UpdateTask"},
      {"content.v1.ContentService", "GetDashboard"}, {"grpc.health.v1.Health", "Check"}};
  return calls;
}

}  // namespace

Upstreams::Upstreams(const std::string& auth_target, const std::string& content_target,
                     std::chrono::milliseconds call_timeout)
    : call_timeout_(call_timeout),
      auth_channel_(common::make_channel(auth_target, idempotent_auth_calls())),
      content_channel_(common::make_channel(content_target, idempotent_content_calls())),
      auth_(auth::v1::AuthService::NewStub(auth_channel_)),
      content_(content::v1::ContentService::NewStub(content_channel_)),
      auth_health_(grpc::health::v1::Health::NewStub(auth_channel_)),
      content_health_(grpc::health::v1::Health::NewStub(content_channel_)) {}

std::unique_ptr<grpc::ClientContext> Upstreams::call_context(const std::string& request_id,
                                                             const std::string& traceparent,
                                                             const std::string& access_token,
                                                             const std::string& client_ip) const {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(std::chrono::system_clock::now() + call_timeout_);
  context->AddMetadata("x-request-id", request_id);
  context->AddMetadata("traceparent", traceparent);
  // The auth service rate-limits per client address; it cannot see it behind the gateway.
  if (!client_ip.empty()) context->AddMetadata("x-client-ip", client_ip);
  if (!access_token.empty()) context->AddMetadata("authorization", "Bearer " + access_token);
  return context;
}

Upstreams::Readiness Upstreams::check(std::chrono::milliseconds timeout) const {
  auto serving = [timeout](grpc::Channel& channel, grpc::health::v1::Health::Stub& health, const char* service) {
    return channel.GetState(true) == GRPC_CHANNEL_READY || common::health_check(health, service, timeout);
  };
  return {serving(*auth_channel_, *auth_health_, "auth.v1.AuthService"),
          serving(*content_channel_, *content_health_, "content.v1.ContentService")};
}

}  // namespace gateway
