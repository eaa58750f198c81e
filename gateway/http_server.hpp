#pragma once

#include "common/access_tokens.hpp"
#include "common/metrics.hpp"
#include "gateway/browser_security.hpp"
#include "gateway/client_address.hpp"
#include "gateway/gateway_config.hpp"
#include "gateway/router.hpp"
#include "gateway/upstreams.hpp"

#include <httplib.h>

#include <atomic>

namespace gateway {

// The REST front: one httplib server whose every request goes through dispatch():
// route match (404/405), bearer authentication, body parsing, then the route's handler.
class HttpServer final {
 public:
  // The gateway is not ready before `tokens` has loaded the revocation set once.
  HttpServer(const GatewayConfig& config, Upstreams& upstreams, const common::AccessTokens& tokens);

  // Binds the configured host and port (port 0: any free port); returns the bound port.
  int bind();
  // Serves until stop(); in-flight requests finish before it returns.
  void serve();
  // From now on /readyz answers 503; everything else is served as before.
  void start_draining() { draining_ = true; }
  void stop();

 private:
  void dispatch(const httplib::Request& request, httplib::Response& response);
  void record(const httplib::Request& request, const httplib::Response& response);

  const GatewayConfig& config_;
  const common::AccessTokens& tokens_;
  BrowserSecurity browser_;
  ClientAddress client_address_;
  std::atomic<bool> draining_{false};
  common::metrics::Family<common::metrics::Counter>& requests_;
  common::metrics::Family<common::metrics::Histogram>& latency_;
  std::atomic<std::int64_t> in_flight_{0};
  std::vector<common::metrics::Registration> gauges_;
  Router router_;
  httplib::Server server_;
  int listen_socket_ = -1;
};

}  // namespace gateway
