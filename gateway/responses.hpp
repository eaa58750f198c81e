#pragma once

#include "common/grpc/grpc_errors.hpp"

#include <grpcpp/grpcpp.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include <string>

// Every answer the gateway writes, in DRF's shapes (API.md).
namespace gateway {

void send_json(httplib::Response& response, int status, const nlohmann::json& body);
// A body already written as JSON text.
void send_json_text(httplib::Response& response, int status, std::string body);
void send_detail(httplib::Response& response, int status, const std::string& detail);
// 401 {"detail", "code"} with WWW-Authenticate: Bearer.
void send_unauthenticated(httplib::Response& response, const std::string& detail, const std::string& code);
void send_field_errors(httplib::Response& response, const common::FieldErrors& errors);
// Maps an upstream gRPC failure once, here: field errors → 400, UNAUTHENTICATED → 401,
// NOT_FOUND → 404, outages → 503, anything else → 500 without internals.
void send_upstream_error(httplib::Response& response, const grpc::Status& status);

inline const char* const kNotAuthenticated = "Authentication credentials were not provided.";
inline const char* const kTokenNotValid = "Given token not valid for any token type";

}  // namespace gateway
