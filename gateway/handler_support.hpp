#pragma once

#include "gateway/request_body.hpp"
#include "gateway/responses.hpp"
#include "gateway/router.hpp"
#include "gateway/upstreams.hpp"

#include <google/protobuf/message.h>

#include <optional>
#include <string>
#include <type_traits>
#include <vector>

// The few steps every forwarding handler takes: read fields, call upstream, map failure.
namespace gateway {

// Collects field type errors while a handler reads its string fields.
struct FieldReader {
  const nlohmann::json& body;
  common::FieldErrors errors;

  std::optional<std::string> get(const std::string& name) { return string_field(body, name, errors); }
};

// Copies the body's string fields `names` into the same-named fields of `message` (an absent
// field stays unset); false when a 400 with the field errors was written.
bool copy_fields(RequestContext& ctx, const std::vector<std::string>& names, google::protobuf::Message& message);

// Parses the body of a DELETE into ctx.body; false when a 400 or 415 was written. The pipeline
// parses the bodies of POST, PUT and PATCH only: like DRF, which reads a body when the view asks
// for it, a DELETE's body is read by the routes that take one (deleting an account proves the
// password), and a DELETE of a post answers 204 whatever it carries.
bool read_delete_body(RequestContext& ctx);

// A unary RPC of a generated stub, e.g. &content::v1::ContentService::Stub::GetPost.
template <class Stub, class Request, class Response>
using Rpc = grpc::Status (Stub::*)(grpc::ClientContext*, const Request&, Response*);

// Calls `rpc` on `stub` with the request's deadline and metadata; on failure writes the mapped
// error and returns nullopt.
template <class Stub, class Request, class Response>
std::optional<Response> call(RequestContext& ctx, const Upstreams& upstreams, Stub& stub,
                             Rpc<Stub, Request, Response> rpc, const Request& request) {
  const std::string traceparent = ctx.trace.header();
  auto context = upstreams.call_context({.request_id = ctx.request_id,
                                         .traceparent = traceparent,
                                         .access_token = ctx.access_token,
                                         .client_ip = ctx.client_ip,
                                         .user_agent = ctx.user_agent});
  Response reply;
  grpc::Status status = (stub.*rpc)(context.get(), request, &reply);
  if (status.ok()) return reply;
  send_upstream_error(ctx.response, status);
  return std::nullopt;
}

// The request type of an Rpc: RequestOf<decltype(&Stub::GetPost)> is GetPostRequest.
template <class>
struct RpcTypes;
template <class Stub, class Request, class Response>
struct RpcTypes<Rpc<Stub, Request, Response>> {
  using RequestType = Request;
};
template <class RpcPointer>
using RequestOf = typename RpcTypes<std::remove_cv_t<RpcPointer>>::RequestType;

}  // namespace gateway
