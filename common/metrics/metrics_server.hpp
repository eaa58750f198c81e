#pragma once

#include "common/core/config.hpp"
#include "common/metrics/metrics.hpp"

#include <httplib.h>

#include <string>
#include <thread>

namespace common::metrics {

// GET /metrics on its own address, apart from the public API, so an Ingress routing the API
// never exposes it.
class MetricsServer final {
 public:
  // `address` "host:port" (port 0: any free port); empty: disabled.
  MetricsServer(const std::string& address, Registry& registry);
  MetricsServer(const MetricsServer&) = delete;
  MetricsServer& operator=(const MetricsServer&) = delete;
  ~MetricsServer();

  // The bound port, or 0 when disabled.
  int port() const { return port_; }

 private:
  httplib::Server server_;
  std::thread serving_;
  int port_ = 0;
};

// METRICS_ADDR, the address of a process's MetricsServer.
std::string metrics_address_from_env(Env& env, const std::string& fallback);

}  // namespace common::metrics
