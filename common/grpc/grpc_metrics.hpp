#pragma once

#include <grpcpp/support/client_interceptor.h>
#include <grpcpp/support/server_interceptor.h>

#include <memory>

// gRPC call counts and latencies by service, method and status code, recorded by
// interceptors in common::metrics::registry(), named as go-grpc-prometheus names them.
namespace common::metrics {

// grpc_client_handled_total and grpc_client_handling_seconds, for a channel's calls.
std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface> client_call_metrics();

// grpc_server_handled_total and grpc_server_handling_seconds, for a server's calls.
std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface> server_call_metrics();

}  // namespace common::metrics
