#include "common/grpc_server.hpp"

#include "common/shutdown_signal.hpp"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>

#include <stdexcept>

namespace common {

void serve_grpc(const GrpcServerOptions& options, const std::vector<grpc::Service*>& services,
                const std::vector<std::string>& service_names, ShutdownSignal& signal) {
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  int bound_port = 0;
  builder.AddListeningPort(options.listen_address, grpc::InsecureServerCredentials(), &bound_port);
  grpc::ResourceQuota quota;
  quota.SetMaxThreads(options.max_threads);
  builder.SetResourceQuota(quota);
  for (auto* service : services) builder.RegisterService(service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (!server || bound_port == 0) throw std::runtime_error("cannot listen on " + options.listen_address);

  auto* health = server->GetHealthCheckService();
  for (const auto& name : service_names) health->SetServingStatus(name, true);
  health->SetServingStatus("", true);
  log::info("listening", {{"address", options.listen_address}});

  int signal_number = signal.wait();
  log::info("shutting down", {{"signal", signal_number}});
  health->SetServingStatus(false);
  server->Shutdown(std::chrono::system_clock::now() + options.shutdown_grace);
  server->Wait();
  log::info("stopped");
}

}  // namespace common
