#include "common/grpc/grpc_server.hpp"

#include "common/core/host_port.hpp"
#include "common/core/log.hpp"
#include "common/core/shutdown_signal.hpp"
#include "common/grpc/grpc_channel.hpp"
#include "common/grpc/grpc_metrics.hpp"
#include "common/metrics/metrics_server.hpp"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>

#include <iostream>
#include <stdexcept>
#include <thread>

namespace common {
namespace {

// Clients resolve DNS again only when a connection ends: ending each one after a while lets
// gateways find replicas added by scaling up.
constexpr int kMaxConnectionAgeMs = 5 * 60 * 1000;
constexpr int kMaxConnectionAgeGraceMs = 30 * 1000;

// The sync API's threads (auth): a thread that finishes a call goes back to polling, unless
// MAX_POLLERS already poll, and then it exits. gRPC's default of 2 made every burst of calls
// start threads and end them again; 16 keep them (issue 15, refresh at 16 connections: auth's
// CPU per call 500 -> 422 us). The callback API (content) ignores both.
constexpr int kMinSyncPollers = 2;
constexpr int kMaxSyncPollers = 16;

void set_health(grpc::HealthCheckServiceInterface& health, const std::vector<std::string>& names, bool serving) {
  for (const auto& name : names) health.SetServingStatus(name, serving);
  health.SetServingStatus("", serving);
}

}  // namespace

GrpcServerOptions grpc_server_options_from_env(Env& env, const std::string& prefix, const std::string& default_listen,
                                               const std::string& default_metrics) {
  GrpcServerOptions o;
  o.listen_address = env.text(prefix + "_LISTEN_ADDR", default_listen, "gRPC listen address");
  o.max_threads = static_cast<int>(
      env.integer(prefix + "_GRPC_MAX_THREADS", 256,
                  "most threads serving gRPC calls at once (sync API; calls beyond it are refused)", 2, 4096));
  o.shutdown_drain = std::chrono::milliseconds(
      env.integer("SHUTDOWN_DRAIN_MS", 1000,
                  "on SIGTERM, health says NOT_SERVING this long before the server stops accepting, so clients "
                  "move to other replicas first",
                  0, 600000));
  o.shutdown_grace = std::chrono::milliseconds(
      env.integer("SHUTDOWN_GRACE_MS", 10000, "time in-flight calls get to finish on SIGTERM", 0));
  o.metrics_address = metrics::metrics_address_from_env(env, default_metrics);
  return o;
}

void serve_grpc(const GrpcServerOptions& options, const std::vector<grpc::Service*>& services,
                const std::vector<std::string>& service_names, ShutdownSignal& signal, std::function<bool()> ready) {
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  int bound_port = 0;
  builder.AddListeningPort(options.listen_address, grpc::InsecureServerCredentials(), &bound_port);
  grpc::ResourceQuota quota;
  quota.SetMaxThreads(options.max_threads);
  builder.SetResourceQuota(quota);
  builder.SetSyncServerOption(grpc::ServerBuilder::SyncServerOption::MIN_POLLERS, kMinSyncPollers);
  builder.SetSyncServerOption(grpc::ServerBuilder::SyncServerOption::MAX_POLLERS, kMaxSyncPollers);
  builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_AGE_MS, kMaxConnectionAgeMs);
  builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_AGE_GRACE_MS, kMaxConnectionAgeGraceMs);
  // Clients ping every second, also between calls (grpc_channel.cpp): allow it. The server's
  // own pings find clients that vanished.
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS, 500);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS, 10000);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, 5000);
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> interceptors;
  interceptors.push_back(metrics::server_call_metrics());
  builder.experimental().SetInterceptorCreators(std::move(interceptors));
  for (auto* service : services) builder.RegisterService(service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (!server || bound_port == 0) throw std::runtime_error("cannot listen on " + options.listen_address);
  auto process_metrics = metrics::add_process_metrics(metrics::registry());
  metrics::MetricsServer metrics_server(options.metrics_address, metrics::registry());

  auto* health = server->GetHealthCheckService();
  std::jthread readiness;
  if (!ready || ready()) {
    set_health(*health, service_names, true);
  } else {
    set_health(*health, service_names, false);
    readiness = std::jthread([&, ready](std::stop_token stop) {
      while (!stop.stop_requested() && !ready()) std::this_thread::sleep_for(std::chrono::milliseconds(50));
      if (!stop.stop_requested()) set_health(*health, service_names, true);
    });
  }
  log::info("listening", {{"address", options.listen_address}});

  int signal_number = signal.wait();
  log::info("shutting down", {{"signal", signal_number}});
  readiness = {};  // stops and joins: nothing turns health back on
  health->SetServingStatus(false);
  std::this_thread::sleep_for(options.shutdown_drain);
  server->Shutdown(std::chrono::system_clock::now() + options.shutdown_grace);
  server->Wait();
  log::info("stopped");
}

int check_own_health(const std::string& listen_address) {
  auto target = local_address_for(parse_host_port(listen_address));
  auto stub = grpc::health::v1::Health::NewStub(grpc::CreateChannel(target, grpc::InsecureChannelCredentials()));
  std::string why;
  bool serving = health_check(*stub, "", std::chrono::seconds(3), &why);
  std::cout << target << " " << why << "\n";
  return serving ? 0 : 1;
}

}  // namespace common
