#pragma once

#include "common/core/log.hpp"
#include "common/core/trace_context.hpp"
#include "common/grpc/grpc_errors.hpp"
#include "common/service/storage_errors.hpp"

#include <grpcpp/grpcpp.h>

#include <chrono>

namespace common {

// Runs one RPC body and maps what escapes it at one place: storage outages
// (is_storage_outage(), a lost COMMIT included) become UNAVAILABLE, anything else INTERNAL
// without internals; logs one line per call with the request id and the trace id the gateway
// passed (x-request-id, traceparent).
template <class Body>
grpc::Status run_rpc(grpc::ServerContextBase* context, const char* method, Body&& body) {
  auto started = std::chrono::steady_clock::now();
  grpc::Status status;
  try {
    status = body();
  } catch (const std::exception& e) {
    if (is_storage_outage(e)) {
      auto reason = storage_outage_reason(e);
      log::error(reason, {{"rpc", method}, {"error", e.what()}});
      status = grpc::Status(grpc::StatusCode::UNAVAILABLE, reason);
    } else {
      log::error("unhandled error", {{"rpc", method}, {"error", e.what()}});
      status = grpc::Status(grpc::StatusCode::INTERNAL, "internal error");
    }
  }
  auto micros =
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started).count();
  log::info("rpc", {{"rpc", method},
                    {"code", static_cast<int>(status.error_code())},
                    {"latency_ms", static_cast<double>(micros) / 1000.0},
                    {"request_id", metadata_value(*context, "x-request-id")},
                    {"trace_id", trace_id_of(metadata_value(*context, "traceparent"))}});
  return status;
}

}  // namespace common
