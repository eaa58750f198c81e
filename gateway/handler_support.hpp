#pragma once

#include "gateway/request_body.hpp"
#include "gateway/responses.hpp"
#include "gateway/router.hpp"
#include "gateway/upstreams.hpp"

#include <optional>
#include <string>

// The few steps every forwarding handler repeats: read fields, call upstream, map failure.
namespace gateway {

// Collects field type errors while a handler reads its string fields.
struct FieldReader {
  const nlohmann::json& body;
  common::FieldErrors errors;

  std::optional<std::string> get(const std::string& name) { return string_field(body, name, errors); }
};

// Calls `call(grpc::ClientContext*)` with the request's deadline and metadata; on failure
// writes the mapped error and returns false.
template <class Call>
bool forward(RequestContext& ctx, const Upstreams& upstreams, Call&& call) {
  auto context = upstreams.call_context(ctx.request_id, ctx.access_token, ctx.client_ip);
  grpc::Status status = call(context.get());
  if (status.ok()) return true;
  send_upstream_error(ctx.response, status);
  return false;
}

}  // namespace gateway
