#pragma once

#include "grpc/health/v1/health.grpc.pb.h"

#include <grpcpp/grpcpp.h>

#include <chrono>

#include <memory>
#include <string>
#include <vector>

namespace common {

struct RetriedMethod {
  std::string service;  // "content.v1.ContentService"
  std::string method;   // "GetPost"
};

// A client channel to `target` ("host:port", "dns:///name:port" or "ipv4:a:p,b:p"), balanced
// round-robin over every address it resolves to, with call metrics. Calls to `idempotent`
// methods are retried on UNAVAILABLE (another replica answers when one dies or shuts down) and
// after 1.5 s without an answer (it hangs); every other call is only retried by gRPC itself
// when it never reached a server. Keepalive pings every second drop a replica that stopped
// answering within about 3 s.
// `own_connections`: its connections are its own, not shared with other channels to the same
// target (gRPC's global subchannel pool would otherwise share them).
std::shared_ptr<grpc::Channel> make_channel(const std::string& target, const std::vector<RetriedMethod>& idempotent,
                                            bool own_connections = false);

// One gRPC health check of `service` ("" = the whole server) within `timeout`: true when it
// answers SERVING. `why`, when given, gets "SERVING", "NOT_SERVING" or the call's error.
bool health_check(grpc::health::v1::Health::Stub& stub, const std::string& service, std::chrono::milliseconds timeout,
                  std::string* why = nullptr);

}  // namespace common
