#include "common/access/auth_client.hpp"
#include "common/core/host_port.hpp"
#include "common/core/log.hpp"
#include "common/core/shutdown_signal.hpp"
#include "common/core/stoppable_sleep.hpp"
#include "common/grpc/grpc_channel.hpp"
#include "common/grpc/grpc_client_poller.hpp"
#include "common/grpc/grpc_runtime.hpp"
#include "common/metrics/metrics_server.hpp"
#include "gateway/gateway_config.hpp"
#include "gateway/http_server.hpp"

#include <cstdlib>
#include <iostream>
#include <thread>

namespace {

// The `healthcheck` subcommand: a container health check without curl in the image.
int check_own_readiness(const gateway::GatewayConfig& config) {
  std::string address = common::local_address_for({config.host, config.port});
  httplib::Client client("http://" + address);
  client.set_connection_timeout(std::chrono::seconds(3));
  client.set_read_timeout(std::chrono::seconds(3));
  auto result = client.Get("/readyz");
  std::cout << address << " "
            << (result ? std::to_string(result->status) + " " + result->body : httplib::to_string(result.error()))
            << "\n";
  return result && result->status == 200 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  common::prepare_grpc_runtime();
  common::ShutdownSignal shutdown;
  common::Env env("gateway", "public REST API in front of the auth and content gRPC services");
  auto config = gateway::GatewayConfig::from_env(env);
  if (common::Env::help_requested(argc, argv)) {
    env.print_help(std::cout);
    std::cout << "\nCommands (default: serve):\n"
                 "  serve        serve the REST API\n"
                 "  healthcheck  exit 0 when GET /readyz on GATEWAY_HOST:GATEWAY_PORT answers 200\n";
    return 0;
  }
  std::string command = argc > 1 ? argv[1] : "serve";
  try {
    env.check();
    if (command == "healthcheck") return check_own_readiness(config);
    if (command != "serve") {
      std::cerr << "Unknown command " << command << " (see --help).\n";
      return 2;
    }
    common::log::init("gateway", config.log_level);
    // The gateway makes only blocking gRPC calls: this thread reads its connections between them.
    common::GrpcClientPoller grpc_poller;
    gateway::Upstreams upstreams(config.auth_target, config.content_target, config.upstream_timeout);
    auto tokens = common::access_tokens_from_auth(config.tokens, upstreams.auth(), config.upstream_timeout);
    gateway::HttpServer server(config, upstreams, *tokens);
    int port = server.bind();
    auto process_metrics = common::metrics::add_process_metrics(common::metrics::registry());
    common::metrics::MetricsServer metrics(config.metrics_address, common::metrics::registry());
    common::log::info("listening", {{"address", config.host + ":" + std::to_string(port)}});
    std::thread serving([&server] { server.serve(); });

    int signal_number = shutdown.wait();
    // Load balancers learn from /readyz that this replica is going, while it still serves.
    common::log::info("shutting down", {{"signal", signal_number}, {"drain_ms", config.shutdown_drain.count()}});
    server.start_draining();
    std::this_thread::sleep_for(config.shutdown_drain);
    // Requests still running after the grace period would hold the exit forever.
    std::jthread deadline([grace = config.shutdown_grace](std::stop_token stop) {
      common::sleep_unless_stopped(stop, grace);
      if (stop.stop_requested()) return;
      common::log::error("in-flight requests outlived the shutdown grace period", {});
      std::_Exit(1);
    });
    server.stop();  // stops accepting; in-flight requests finish first
    serving.join();
    deadline.request_stop();
    common::log::info("stopped");
    return 0;
  } catch (const std::exception& e) {
    common::log::init("gateway", "info");
    common::log::error("fatal", {{"error", e.what()}});
    return 1;
  }
}
