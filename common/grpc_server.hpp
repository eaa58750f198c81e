#pragma once

#include "common/grpc_errors.hpp"
#include "common/log.hpp"
#include "common/pg_pool.hpp"
#include "common/redis_client.hpp"

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace common {

class ShutdownSignal;

struct GrpcServerOptions {
  std::string listen_address;
  std::chrono::milliseconds shutdown_grace{10000};
  int max_threads = 64;  // sync server threads: each blocks on the database for its call
};

// Builds a server with the standard health service and reflection, serves `services` until
// SIGINT/SIGTERM arrives on `signal`, then marks itself NOT_SERVING, stops accepting and gives
// in-flight calls `shutdown_grace` to finish. Throws when the address cannot be bound.
void serve_grpc(const GrpcServerOptions& options, const std::vector<grpc::Service*>& services,
                const std::vector<std::string>& service_names, ShutdownSignal& signal);

// Runs one RPC body and maps what escapes it at one place: storage outages become
// UNAVAILABLE, anything else INTERNAL without internals; logs one line per call with the
// request id the gateway passed in x-request-id.
template <class Body>
grpc::Status run_rpc(grpc::ServerContext* context, const char* method, Body&& body) {
  auto started = std::chrono::steady_clock::now();
  grpc::Status status;
  try {
    status = body();
  } catch (const PoolExhausted& e) {
    log::error("database pool exhausted", {{"rpc", method}, {"error", e.what()}});
    status = grpc::Status(grpc::StatusCode::UNAVAILABLE, "database busy");
  } catch (const pqxx::broken_connection& e) {
    log::error("database unreachable", {{"rpc", method}, {"error", e.what()}});
    status = grpc::Status(grpc::StatusCode::UNAVAILABLE, "database unavailable");
  } catch (const std::exception& e) {
    log::error("unhandled error", {{"rpc", method}, {"error", e.what()}});
    status = grpc::Status(grpc::StatusCode::INTERNAL, "internal error");
  }
  auto micros = std::chrono::duration_cast<std::chrono::microseconds>(
                    std::chrono::steady_clock::now() - started).count();
  log::info("rpc", {{"rpc", method},
                    {"code", static_cast<int>(status.error_code())},
                    {"latency_ms", static_cast<double>(micros) / 1000.0},
                    {"request_id", metadata_value(*context, "x-request-id")}});
  return status;
}

}  // namespace common
