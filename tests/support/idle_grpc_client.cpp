// A process whose only gRPC use is client channels, as the gateway's: four channels
// (common::make_channel, each with its own connections) to TARGET, and a GrpcClientPoller
// unless given --no-poller. It connects them, prints "connected", then makes no call until
// SIGTERM. Usage: idle_grpc_client TARGET [--no-poller]
#include "common/grpc/grpc_channel.hpp"
#include "common/grpc/grpc_client_poller.hpp"
#include "common/grpc/grpc_runtime.hpp"

#include <csignal>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: idle_grpc_client TARGET [--no-poller]\n";
    return 2;
  }
  // Blocked before any thread starts, so only sigwait sees them.
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGTERM);
  sigaddset(&stop, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop, nullptr);

  common::prepare_grpc_runtime();
  std::optional<common::GrpcClientPoller> poller;
  if (argc < 3 || std::string(argv[2]) != "--no-poller") poller.emplace();
  std::vector<std::shared_ptr<grpc::Channel>> channels;
  for (int i = 0; i < 4; ++i) {
    channels.push_back(common::make_channel(argv[1], {}, /*own_connections=*/true));
    if (!channels.back()->WaitForConnected(std::chrono::system_clock::now() + std::chrono::seconds(10))) {
      std::cerr << "channel " << i << " did not connect\n";
      return 1;
    }
  }
  std::cout << "connected" << std::endl;
  int signal_number = 0;
  sigwait(&stop, &signal_number);
  return 0;
}
