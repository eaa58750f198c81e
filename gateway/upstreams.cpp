#include "gateway/upstreams.hpp"

#include "common/grpc/grpc_channel.hpp"

#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <string>
#include <vector>

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

// Channels to each service, each with its own connections, taken in turn. Measured
// (bench/README.md, issue 15): 4 to content, at 64 connections +10 % on the dashboard and
// +9-22 % on GET one post over one shared channel; 4 to auth, no gain on refresh, so one.
constexpr std::size_t kContentChannels = 4;
constexpr std::size_t kAuthChannels = 1;

// gRPC lets a non-binary metadata value hold printable ASCII only. Anything else is API misuse
// that gRPC answers with a failed assertion, ending the process: text from the client must
// never reach AddMetadata unchecked.
bool is_printable_ascii(unsigned char byte) { return byte >= 0x20 && byte <= 0x7E; }

bool is_metadata_text(std::string_view text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return is_printable_ascii(static_cast<unsigned char>(c)); });
}

// Other bytes, and '%' itself, travel as %XX: the convention of gRPC's own grpc-message. Text
// that is plain ASCII, as nearly every User-Agent is, arrives unchanged.
std::string percent_encoded(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string encoded;
  for (char c : text) {
    auto byte = static_cast<unsigned char>(c);
    if (is_printable_ascii(byte) && byte != '%') {
      encoded += c;
    } else {
      encoded += '%';
      encoded += kHex[byte >> 4];
      encoded += kHex[byte & 15];
    }
  }
  return encoded;
}

// The channels of a ring, each with its own connections.
std::vector<std::shared_ptr<grpc::Channel>> ring_of(std::size_t size, const std::string& target,
                                                    const std::vector<common::RetriedMethod>& idempotent) {
  std::vector<std::shared_ptr<grpc::Channel>> channels;
  while (channels.size() < size) channels.push_back(common::make_channel(target, idempotent, /*own_connections=*/true));
  return channels;
}

}  // namespace

Upstreams::Upstreams(const std::string& auth_target, const std::string& content_target,
                     std::chrono::milliseconds call_timeout)
    : call_timeout_(call_timeout),
      auth_(ring_of(kAuthChannels, auth_target, idempotent_auth_calls())),
      content_(ring_of(kContentChannels, content_target, idempotent_content_calls())),
      auth_health_(grpc::health::v1::Health::NewStub(auth_.first_channel())),
      content_health_(grpc::health::v1::Health::NewStub(content_.first_channel())) {}

std::unique_ptr<grpc::ClientContext> Upstreams::call_context(const CallMetadata& metadata) const {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(std::chrono::system_clock::now() + call_timeout_);
  context->AddMetadata("x-request-id", std::string(metadata.request_id));
  context->AddMetadata("traceparent", std::string(metadata.traceparent));
  // Auth cannot see the client behind the gateway: it rate-limits per client address, and
  // shows both on the sessions page.
  if (!metadata.client_ip.empty()) context->AddMetadata("x-client-ip", std::string(metadata.client_ip));
  if (!metadata.user_agent.empty()) context->AddMetadata("x-user-agent", percent_encoded(metadata.user_agent));
  // Public routes pass the client's bearer on unverified (admin-only registration); one that
  // gRPC cannot carry is no token of ours (base64url and dots), so auth sees none.
  if (!metadata.access_token.empty() && is_metadata_text(metadata.access_token)) {
    context->AddMetadata("authorization", "Bearer " + std::string(metadata.access_token));
  }
  return context;
}

Upstreams::Readiness Upstreams::check(std::chrono::milliseconds timeout) const {
  auto serving = [timeout](bool ready, grpc::health::v1::Health::Stub& health, const char* service) {
    return ready || common::health_check(health, service, timeout);
  };
  return {serving(auth_.any_ready(), *auth_health_, "auth.v1.AuthService"),
          serving(content_.any_ready(), *content_health_, "content.v1.ContentService")};
}

}  // namespace gateway
