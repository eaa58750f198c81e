#pragma once

#include "common/core/config.hpp"

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace common {

class ShutdownSignal;

struct GrpcServerOptions {
  std::string listen_address;
  std::chrono::milliseconds shutdown_grace{10000};
  std::chrono::milliseconds shutdown_drain{1000};
  int max_threads = 64;         // sync server threads: each blocks on the database for its call
  std::string metrics_address;  // Prometheus /metrics; empty: none
};

// <PREFIX>_LISTEN_ADDR, <PREFIX>_GRPC_MAX_THREADS, SHUTDOWN_DRAIN_MS, SHUTDOWN_GRACE_MS and
// METRICS_ADDR.
GrpcServerOptions grpc_server_options_from_env(Env& env, const std::string& prefix, const std::string& default_listen,
                                               const std::string& default_metrics);

// Builds a server with the standard health service, reflection, call metrics and the metrics
// endpoint (with process metrics), serves `services` until SIGINT/SIGTERM arrives on `signal`,
// then marks itself NOT_SERVING, serves on for `shutdown_drain` (clients watching its health
// move their calls to other replicas), stops accepting and gives in-flight calls
// `shutdown_grace` to finish. Health says SERVING once `ready` (when given) returns true.
// Throws when the address cannot be bound.
void serve_grpc(const GrpcServerOptions& options, const std::vector<grpc::Service*>& services,
                const std::vector<std::string>& service_names, ShutdownSignal& signal,
                std::function<bool()> ready = {});

// The `healthcheck` subcommand: asks the server listening on `listen_address` (a wildcard
// address is asked on loopback) for its overall gRPC health; 0 when SERVING, else 1.
int check_own_health(const std::string& listen_address);

}  // namespace common
