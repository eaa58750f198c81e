#include "common/grpc/grpc_errors.hpp"

#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace common {
namespace {

grpc::Status with_detail(grpc::StatusCode code, const std::string& message, const google::protobuf::Message& detail) {
  google::rpc::Status status;
  status.set_code(code);
  status.set_message(message);
  status.add_details()->PackFrom(detail);
  return grpc::Status(code, message, status.SerializeAsString());
}

}  // namespace

grpc::Status invalid_argument(const FieldErrors& errors) {
  google::rpc::BadRequest bad_request;
  for (const auto& [field, messages] : errors) {
    for (const auto& message : messages) {
      auto* violation = bad_request.add_field_violations();
      violation->set_field(field);
      violation->set_description(message);
    }
  }
  return with_detail(grpc::StatusCode::INVALID_ARGUMENT, "invalid request", bad_request);
}

grpc::Status status_with_reason(grpc::StatusCode code, const std::string& message, const std::string& reason) {
  google::rpc::ErrorInfo info;
  info.set_reason(reason);
  info.set_domain("auth.v1");
  return with_detail(code, message, info);
}

grpc::Status not_found() { return grpc::Status(grpc::StatusCode::NOT_FOUND, "Not found."); }

grpc::Status resource_exhausted(const std::string& message, std::chrono::seconds retry_after) {
  google::rpc::RetryInfo retry;
  retry.mutable_retry_delay()->set_seconds(retry_after.count());
  return with_detail(grpc::StatusCode::RESOURCE_EXHAUSTED, message, retry);
}

StatusDetails parse_status_details(const grpc::Status& status) {
  StatusDetails out;
  google::rpc::Status rpc_status;
  if (status.error_details().empty() || !rpc_status.ParseFromString(status.error_details())) {
    return out;
  }
  for (const auto& any : rpc_status.details()) {
    google::rpc::BadRequest bad_request;
    google::rpc::ErrorInfo info;
    google::rpc::RetryInfo retry;
    if (any.UnpackTo(&bad_request)) {
      for (const auto& v : bad_request.field_violations()) {
        out.field_errors[v.field()].push_back(v.description());
      }
    } else if (any.UnpackTo(&info)) {
      out.reason = info.reason();
    } else if (any.UnpackTo(&retry)) {
      out.retry_delay = std::chrono::seconds(retry.retry_delay().seconds());
    }
  }
  return out;
}

std::string metadata_value(const grpc::ServerContextBase& context, const std::string& key) {
  const auto& metadata = context.client_metadata();
  auto it = metadata.find(key);
  if (it == metadata.end()) return {};
  return std::string(it->second.data(), it->second.size());
}

}  // namespace common
