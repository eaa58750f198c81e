// The gateway makes only blocking gRPC calls; between them, one thread of its own reads its
// connections (common::GrpcClientPoller). Without it, an idle client process read them only on
// gRPC's backup-poll tick, one socket per tick, and closed healthy connections as dead when
// their keepalive acks were read too late (bench/README.md, after issue 15's first table).
#include "stack.hpp"
#include "support/grpc_test_server.hpp"

#include <algorithm>
#include <fstream>
#include <iterator>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace e2e {
namespace {

// The loopback TCP connections established to these ports, as "local remote" pairs from
// /proc/net/tcp and tcp6 (gRPC connects IPv4 through IPv6 sockets): a connection closed and
// made again shows up under a new local port.
std::set<std::string> connections_to(const std::vector<int>& ports) {
  std::set<std::string> found;
  for (const char* path : {"/proc/net/tcp", "/proc/net/tcp6"}) {
    std::ifstream table(path);
    std::string line;
    std::getline(table, line);  // the header
    while (std::getline(table, line)) {
      std::istringstream fields(line);
      std::string slot, local, remote, state;
      fields >> slot >> local >> remote >> state;
      if (state != "01") continue;  // ESTABLISHED
      int remote_port = std::stoi(remote.substr(remote.find(':') + 1), nullptr, 16);
      if (std::find(ports.begin(), ports.end(), remote_port) != ports.end()) found.insert(local + " " + remote);
    }
  }
  return found;
}

TEST(GrpcClientPoller, AnIdleClientProcessKeepsItsConnections) {
  // Two healthy servers (with the health service the channels watch) and an address that
  // refuses, as after a replica died: its reconnect attempts are more events for the client
  // to read, which made the closes frequent (about one a second without the poller).
  grpc::EnableDefaultHealthCheckService(true);
  content::v1::ContentService::Service first_service, second_service;  // sync: the servers' threads poll
  test_support::GrpcTestServer first(&first_service), second(&second_service);
  const std::vector<int> servers{first.port(), second.port()};
  std::string target = "ipv4:127.0.0.1:" + std::to_string(first.port()) +
                       ",127.0.0.1:" + std::to_string(second.port()) +
                       ",127.0.0.1:" + std::to_string(test_support::free_port());
  test_support::TempDir dir;
  test_support::Process client(Stack::bin("idle_grpc_client"), {}, dir.path() + "/client.log", {target});

  // Four channels, each with its own connection to each server.
  ASSERT_TRUE(test_support::wait_until(std::chrono::seconds(10), [&] {
    return connections_to(servers).size() == 8 && client.log().find("connected") != std::string::npos;
  })) << client.log();
  auto before = connections_to(servers);
  // Idle for the keepalive's interval and timeout (1 s + 2 s) several times over.
  std::this_thread::sleep_for(std::chrono::seconds(8));
  auto after = connections_to(servers);

  std::vector<std::string> closed;
  std::set_difference(before.begin(), before.end(), after.begin(), after.end(), std::back_inserter(closed));
  EXPECT_TRUE(closed.empty()) << closed.size()
                              << " of 8 connections to healthy servers closed while the client was idle";
  EXPECT_EQ(client.terminate(), 0) << client.log();
}

}  // namespace
}  // namespace e2e
