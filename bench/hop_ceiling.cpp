// The design's ceiling on this machine: a REST request answered by one gRPC call, with no work on
// either side. The HTTP side is the gateway's own listener (gateway/http_listener) with the
// gateway's thread count; each request makes one unary call, with a deadline, over the gateway's
// kind of channels (a StubRing of 4 with their own connections, as gateway/upstreams) to
// a callback gRPC server whose GetDashboard answers at once. What a route of ours costs beyond
// this is our own work: routing, the token, the handler, the JSON and content's work.
// Usage: hop_ceiling grpc PORT                      (the no-op gRPC server)
//        hop_ceiling http PORT GRPC_TARGET THREADS  (the HTTP side; answers any request)
#include "common/grpc/grpc_channel.hpp"
#include "common/grpc/grpc_client_poller.hpp"
#include "common/grpc/grpc_runtime.hpp"
#include "content/v1/content.grpc.pb.h"
#include "gateway/http_listener.hpp"
#include "gateway/upstreams.hpp"

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace {

class NoWork final : public content::v1::ContentService::CallbackService {
  grpc::ServerUnaryReactor* GetDashboard(grpc::CallbackServerContext* context, const content::v1::GetDashboardRequest*,
                                         content::v1::GetDashboardResponse* response) override {
    response->set_response("ok");
    auto* reactor = context->DefaultReactor();
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }
};

int serve_grpc(int port) {
  NoWork service;
  grpc::EnableDefaultHealthCheckService(true);  // the gateway's channels watch it, as content's
  grpc::ServerBuilder builder;
  builder.AddListeningPort("127.0.0.1:" + std::to_string(port), grpc::InsecureServerCredentials());
  builder.RegisterService(&service);
  auto server = builder.BuildAndStart();
  if (!server) {
    std::cerr << "cannot listen on 127.0.0.1:" << port << "\n";
    return 1;
  }
  server->Wait();
  return 0;
}

std::string response(int status, const std::string& body, bool close) {
  std::string out = "HTTP/1.1 " + std::to_string(status) + (status == 200 ? " OK" : " Error") +
                    "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
  if (close) out += "Connection: close\r\n";
  return out + "\r\n" + body;
}

int serve_http(int port, const std::string& target, int threads) {
  common::GrpcClientPoller grpc_poller;  // as the gateway's main
  std::vector<std::shared_ptr<grpc::Channel>> channels;
  while (channels.size() < 4) channels.push_back(common::make_channel(target, {}, /*own_connections=*/true));
  gateway::StubRing<content::v1::ContentService> content(std::move(channels));
  gateway::http::ListenerOptions options;
  options.port = port;
  options.threads = threads;
  gateway::http::HttpListener listener(
      options,
      [&](gateway::http::FramedRequest&, const gateway::http::Peer&, bool close, std::string& out) {
        grpc::ClientContext context;
        context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
        content::v1::GetDashboardResponse reply;
        auto status = content.next().GetDashboard(&context, content::v1::GetDashboardRequest(), &reply);
        out += status.ok() ? response(200, R"({"ok":true})", close) : response(503, R"({"detail":"hop"})", close);
      },
      [](int status, const std::string& detail) { return response(status, detail, true); });
  if (listener.bind() != port) {
    std::cerr << "cannot bind 127.0.0.1:" << port << "\n";
    return 1;
  }
  listener.serve();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  common::prepare_grpc_runtime();
  std::string mode = argc > 2 ? argv[1] : "";
  if (mode == "grpc" && argc == 3) return serve_grpc(std::atoi(argv[2]));
  if (mode == "http" && argc == 5) return serve_http(std::atoi(argv[2]), argv[3], std::atoi(argv[4]));
  std::cerr << "usage: hop_ceiling grpc PORT | hop_ceiling http PORT GRPC_TARGET THREADS\n";
  return 2;
}
