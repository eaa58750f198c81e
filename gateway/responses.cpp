#include "gateway/responses.hpp"

#include "common/core/log.hpp"
#include "gateway/json_shapes.hpp"

namespace gateway {

void send_json(httplib::Response& response, int status, const nlohmann::json& body) {
  send_json_text(response, status, json_text(body));
}

void send_json_text(httplib::Response& response, int status, std::string body) {
  response.status = status;
  response.body = std::move(body);
  response.headers.erase("Content-Type");  // as set_content does, without copying the body
  response.set_header("Content-Type", "application/json");
}

void send_detail(httplib::Response& response, int status, const std::string& detail) {
  send_json(response, status, {{"detail", detail}});
}

void send_unauthenticated(httplib::Response& response, const std::string& detail, const std::string& code) {
  nlohmann::json body = {{"detail", detail}};
  if (!code.empty()) body["code"] = code;
  response.set_header("WWW-Authenticate", "Bearer realm=\"api\"");
  send_json(response, 401, body);
}

void send_field_errors(httplib::Response& response, const common::FieldErrors& errors) {
  nlohmann::json body = nlohmann::json::object();
  for (const auto& [field, messages] : errors) body[field] = messages;
  send_json(response, 400, body);
}

void send_upstream_error(httplib::Response& response, const grpc::Status& status) {
  auto details = common::parse_status_details(status);
  switch (status.error_code()) {
    case grpc::StatusCode::INVALID_ARGUMENT:
    case grpc::StatusCode::ALREADY_EXISTS:
    case grpc::StatusCode::FAILED_PRECONDITION:
      if (!details.field_errors.empty()) return send_field_errors(response, details.field_errors);
      return send_detail(response, 400, status.error_message());
    case grpc::StatusCode::UNAUTHENTICATED: {
      // simplejwt puts a code only on token errors; a failed login carries none.
      bool token_reason = details.reason == "token_not_valid" || details.reason == "not_authenticated";
      return send_unauthenticated(response, status.error_message(), token_reason ? details.reason : "");
    }
    case grpc::StatusCode::PERMISSION_DENIED: {
      nlohmann::json body = {{"detail", status.error_message()}};
      if (!details.reason.empty()) body["code"] = details.reason;
      return send_json(response, 403, body);
    }
    case grpc::StatusCode::NOT_FOUND: return send_detail(response, 404, "Not found.");
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      // A rate limit says when to come back; anything else is a server out of capacity.
      response.set_header("Retry-After", std::to_string(details.retry_delay ? details.retry_delay->count() : 1));
      if (!details.retry_delay) return send_detail(response, 503, "Service temporarily unavailable, try again later.");
      return send_detail(response, 429, "Request was throttled.");
    case grpc::StatusCode::UNAVAILABLE:
    case grpc::StatusCode::DEADLINE_EXCEEDED:
    case grpc::StatusCode::CANCELLED:  // only a server cancels here: it was stopping
      common::log::warn("upstream unavailable",
                        {{"grpc_code", static_cast<int>(status.error_code())}, {"error", status.error_message()}});
      response.set_header("Retry-After", "1");
      return send_detail(response, 503, "Service temporarily unavailable, try again later.");
    default:
      common::log::error("upstream error",
                         {{"grpc_code", static_cast<int>(status.error_code())}, {"error", status.error_message()}});
      return send_detail(response, 500, "A server error occurred.");
  }
}

}  // namespace gateway
