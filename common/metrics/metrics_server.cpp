#include "common/metrics/metrics_server.hpp"

#include "common/core/host_port.hpp"
#include "common/core/log.hpp"

#include <stdexcept>

namespace common::metrics {

MetricsServer::MetricsServer(const std::string& address, Registry& registry) {
  if (address.empty()) return;
  auto where = parse_host_port(address);
  server_.set_tcp_nodelay(true);
  // Scrapes are few: a small pool, and no keep-alive connection holds a thread for long.
  server_.new_task_queue = [] { return new httplib::ThreadPool(2); };
  server_.set_keep_alive_timeout(2);
  server_.Get("/metrics", [&registry](const httplib::Request&, httplib::Response& res) {
    res.set_content(registry.expose(), "text/plain; version=0.0.4; charset=utf-8");
  });
  port_ = where.port == 0 ? server_.bind_to_any_port(where.host)
                          : (server_.bind_to_port(where.host, where.port) ? where.port : -1);
  if (port_ <= 0) throw std::runtime_error("cannot listen for metrics on " + address);
  serving_ = std::thread([this] { server_.listen_after_bind(); });
  log::info("metrics listening", {{"address", where.host + ":" + std::to_string(port_)}});
}

std::string metrics_address_from_env(Env& env, const std::string& fallback) {
  auto address =
      env.text("METRICS_ADDR", fallback, "Prometheus metrics at http://ADDR/metrics, apart from the API (empty: off)");
  try {
    if (!address.empty()) parse_host_port(address);  // a bad value stops start-up, not the first scrape
  } catch (const ConfigError& e) {
    env.reject("METRICS_ADDR", e.what());
  }
  return address;
}

MetricsServer::~MetricsServer() {
  if (!serving_.joinable()) return;
  server_.stop();
  serving_.join();
}

}  // namespace common::metrics
