#pragma once

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

// gRPC status with google.rpc details, built once here by the services and read once by the
// gateway, so errors keep their fields and reasons across the process boundary.
namespace common {

using FieldErrors = std::map<std::string, std::vector<std::string>>;

// INVALID_ARGUMENT carrying google.rpc.BadRequest.
grpc::Status invalid_argument(const FieldErrors& errors);
// A status carrying google.rpc.ErrorInfo{reason}: the gateway's JSON "code".
grpc::Status status_with_reason(grpc::StatusCode code, const std::string& message, const std::string& reason);
grpc::Status not_found();
// RESOURCE_EXHAUSTED carrying google.rpc.RetryInfo: the gateway's 429 with Retry-After.
grpc::Status resource_exhausted(const std::string& message, std::chrono::seconds retry_after);

struct StatusDetails {
  FieldErrors field_errors;
  std::string reason;
  std::optional<std::chrono::seconds> retry_delay;
};
StatusDetails parse_status_details(const grpc::Status& status);

// First value of a request metadata key ("" when absent).
std::string metadata_value(const grpc::ServerContextBase& context, const std::string& key);

}  // namespace common
