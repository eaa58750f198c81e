#pragma once

#include "common/access/access_tokens.hpp"
#include "common/metrics/metrics.hpp"
#include "gateway/browser_security.hpp"
#include "gateway/client_address.hpp"
#include "gateway/gateway_config.hpp"
#include "gateway/http_listener.hpp"
#include "gateway/router.hpp"
#include "gateway/upstreams.hpp"

#include <httplib.h>

#include <atomic>

namespace gateway {

// The REST front. Connections and framing belong to http::HttpListener; each complete request
// then goes through httplib's request handling (headers, query, response writing) into
// dispatch(): route match (404/405), bearer authentication, body parsing, the route's handler.
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

  http::ListenerStats stats() const { return listener_.stats(); }

 private:
  // httplib's request handling without its socket loop: the listener hands it framed requests.
  class Handlers final : public httplib::Server {
   public:
    void answer(httplib::Stream& stream, bool close) {
      bool closed = false;
      process_request(stream, close, closed, nullptr);
    }
  };

  void answer(http::FramedRequest& request, const http::Peer& peer, bool close, std::string& out);
  std::string refusal(int status, const std::string& detail);
  std::string base_url_for(const httplib::Request& request) const;
  // Every routed request: the pipeline, then the access log and metrics.
  void dispatch(const httplib::Request& request, httplib::Response& response);
  void route_and_handle(RequestContext& ctx);
  void answer_unhandled(RequestContext& ctx, const std::string& error);
  void record(const httplib::Request& request, const httplib::Response& response, std::string_view route,
              std::chrono::steady_clock::time_point started, const std::string& trace_id = {});

  const GatewayConfig& config_;
  const common::AccessTokens& tokens_;
  BrowserSecurity browser_;
  ClientAddress client_address_;
  std::string listen_base_url_;  // links when neither GATEWAY_PUBLIC_BASE_URL nor a proxy says
  std::atomic<bool> draining_{false};
  common::metrics::Family<common::metrics::Counter>& requests_;
  common::metrics::Family<common::metrics::Histogram>& latency_;
  std::atomic<std::int64_t> in_flight_{0};
  common::metrics::Family<common::metrics::Counter>& refused_;
  Router router_;
  Handlers handlers_;
  http::HttpListener listener_;
  // Last, so the gauges (which read the listener) unregister before anything they read goes.
  std::vector<common::metrics::Registration> gauges_;
};

}  // namespace gateway
