#pragma once

#include "auth/v1/auth.grpc.pb.h"
#include "content/v1/content.grpc.pb.h"
#include "grpc/health/v1/health.grpc.pb.h"

#include <grpcpp/channel.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace gateway {

// What every service call carries about the HTTP request it serves.
struct CallMetadata {
  std::string_view request_id;
  std::string_view traceparent;
  std::string_view access_token;  // empty: none passed on
  std::string_view client_ip;     // empty: unknown
  std::string_view user_agent;    // display text (user_agent.hpp); empty: none sent
};

// Stubs over a few channels to one service, each with its own HTTP/2 connections, taken in
// turn: the gateway's threads do not all queue on one connection's lock and write path.
template <class Service>
class StubRing final {
 public:
  using Stub = typename Service::Stub;
  explicit StubRing(std::vector<std::shared_ptr<grpc::Channel>> channels) : channels_(std::move(channels)) {
    for (const auto& channel : channels_) stubs_.push_back(Service::NewStub(channel));
  }

  // The next channel in turn that has a replica ready. Each channel reconnects to a restarted
  // replica on its own backoff, so for a while some may know only the other replica; when that
  // one drains, they have nothing to call, and a call there fails while its neighbours would
  // serve it. Only when none is ready does the call go to the next one anyway: it fails at once
  // if that channel's replicas are all failing, or waits while it connects.
  Stub& next() {
    std::size_t first = next_.fetch_add(1, std::memory_order_relaxed);
    for (std::size_t i = 0; i < stubs_.size(); ++i) {
      std::size_t k = (first + i) % stubs_.size();
      if (ready(*channels_[k])) return *stubs_[k];
    }
    return *stubs_[first % stubs_.size()];
  }

  bool any_ready() const {
    return std::any_of(channels_.begin(), channels_.end(), [](const auto& channel) { return ready(*channel); });
  }

  const std::shared_ptr<grpc::Channel>& first_channel() const { return channels_.front(); }

 private:
  // try_to_connect: a channel gone idle is passed over, and reconnects for a later turn.
  static bool ready(grpc::Channel& channel) { return channel.GetState(/*try_to_connect=*/true) == GRPC_CHANNEL_READY; }

  std::vector<std::shared_ptr<grpc::Channel>> channels_;
  std::vector<std::unique_ptr<Stub>> stubs_;
  std::atomic<std::size_t> next_{0};
};

// Channels for the whole process, shared by all threads (stubs are thread-safe). Each is
// round-robin over every address its target resolves to ("dns:///name:port", "ipv4:a:p,b:p"),
// with idempotent calls retried on another replica on UNAVAILABLE.
class Upstreams final {
 public:
  Upstreams(const std::string& auth_target, const std::string& content_target, std::chrono::milliseconds call_timeout);

  auth::v1::AuthService::Stub& auth() { return auth_.next(); }
  content::v1::ContentService::Stub& content() { return content_.next(); }

  // A context with the call deadline and the metadata every service call carries.
  std::unique_ptr<grpc::ClientContext> call_context(const CallMetadata& metadata) const;

  struct Readiness {
    bool auth = false;
    bool content = false;
  };
  // Whether each service has a replica that is connected and SERVING: any ring channel's state
  // (their client-side health watch excludes NOT_SERVING replicas), else one gRPC health check
  // within `timeout`. A replica that hangs costs nothing here while another one serves.
  Readiness check(std::chrono::milliseconds timeout) const;

 private:
  std::chrono::milliseconds call_timeout_;
  StubRing<auth::v1::AuthService> auth_;
  StubRing<content::v1::ContentService> content_;
  std::unique_ptr<grpc::health::v1::Health::Stub> auth_health_;
  std::unique_ptr<grpc::health::v1::Health::Stub> content_health_;
};

}  // namespace gateway
