#include "common/access_tokens.hpp"
#include "common/jwks_client.hpp"
#include "common/log.hpp"
#include "common/shutdown_signal.hpp"
#include "gateway/gateway_config.hpp"
#include "gateway/http_server.hpp"

#include <iostream>
#include <thread>

int main(int argc, char** argv) {
  common::ShutdownSignal shutdown;
  common::Env env("gateway", "public REST API in front of the auth and content gRPC services");
  auto config = gateway::GatewayConfig::from_env(env);
  if (common::Env::help_requested(argc, argv)) {
    env.print_help(std::cout);
    return 0;
  }
  try {
    env.check();
    common::log::init("gateway", config.log_level);
    gateway::Upstreams upstreams(config.auth_target, config.content_target, config.upstream_timeout);
    common::AccessTokens tokens(config.tokens, [&upstreams, timeout = config.upstream_timeout] {
      return common::fetch_jwks(upstreams.auth(), timeout);
    });
    gateway::HttpServer server(config, upstreams, tokens);
    int port = server.bind();
    common::log::info("listening", {{"address", config.host + ":" + std::to_string(port)}});
    std::thread serving([&server] { server.serve(); });
    int signal_number = shutdown.wait();
    common::log::info("shutting down", {{"signal", signal_number}});
    server.stop();
    serving.join();
    common::log::info("stopped");
    return 0;
  } catch (const std::exception& e) {
    common::log::init("gateway", "info");
    common::log::error("fatal", {{"error", e.what()}});
    return 1;
  }
}
