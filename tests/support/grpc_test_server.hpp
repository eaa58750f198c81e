#pragma once

#include <grpcpp/grpcpp.h>

#include <initializer_list>
#include <memory>
#include <stdexcept>
#include <string>

namespace test_support {

// A real gRPC server on a free loopback port serving its services, and a channel to it: tests
// go through the wire contract, not around it.
class GrpcTestServer final {
 public:
  explicit GrpcTestServer(grpc::Service* service) : GrpcTestServer({service}) {}
  explicit GrpcTestServer(std::initializer_list<grpc::Service*> services) {
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port_);
    // Our channels (common::make_channel) ping every second, also between calls: allowed, as
    // the services' own servers allow it (common/grpc/grpc_server.cpp).
    builder.AddChannelArgument(GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS, 500);
    builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
    for (auto* service : services) builder.RegisterService(service);
    server_ = builder.BuildAndStart();
    if (!server_ || port_ == 0) throw std::runtime_error("test gRPC server did not start");
    channel_ = grpc::CreateChannel("127.0.0.1:" + std::to_string(port_), grpc::InsecureChannelCredentials());
  }
  ~GrpcTestServer() { server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(5)); }

  std::shared_ptr<grpc::Channel> channel() const { return channel_; }
  int port() const { return port_; }

 private:
  int port_ = 0;
  std::unique_ptr<grpc::Server> server_;
  std::shared_ptr<grpc::Channel> channel_;
};

// A client context with a deadline (every call has one) and optional bearer token.
inline std::unique_ptr<grpc::ClientContext> call_context(const std::string& access_token = {}) {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  if (!access_token.empty()) context->AddMetadata("authorization", "Bearer " + access_token);
  return context;
}

}  // namespace test_support
