#include "gateway/http_server.hpp"

#include "common/log.hpp"
#include "common/text.hpp"
#include "gateway/request_body.hpp"
#include "gateway/responses.hpp"
#include "gateway/routes.hpp"

#include <stdexcept>
#include <sys/socket.h>

namespace gateway {
namespace {

// A request is served start to finish on one pool thread, so the access log can read what
// dispatch() noted there.
thread_local std::chrono::steady_clock::time_point t_started;
thread_local std::string t_route;
const std::string kUnmatchedRoute = "(unmatched)";

// A client's X-Request-Id is kept when it is short and plain, so it can be searched in logs.
std::string request_id_for(const httplib::Request& request) {
  std::string given = request.get_header_value("X-Request-Id");
  bool plain = !given.empty() && given.size() <= 128 &&
               std::all_of(given.begin(), given.end(), [](char c) {
                 return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
               });
  return plain ? given : common::random_hex(12);
}

bool has_body(const std::string& method) { return method == "POST" || method == "PUT" || method == "PATCH"; }

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

}  // namespace

HttpServer::HttpServer(const GatewayConfig& config, Upstreams& upstreams, const common::AccessTokens& tokens)
    : config_(config), tokens_(tokens),
      browser_(config.cors_origins, static_cast<int>(config.cors_max_age.count())),
      client_address_(config.trusted_proxies),
      requests_(common::metrics::registry().counter("http_requests_total",
                                                    "HTTP requests answered, by route, method and status",
                                                    {"route", "method", "status"})),
      latency_(common::metrics::registry().histogram("http_request_duration_seconds",
                                                     "HTTP request latency, by route and method",
                                                     {"route", "method"})) {
  add_all_routes(router_, upstreams, tokens_, {config_.refresh_cookie, config_.cookie_secure}, &draining_);
  auto& registry = common::metrics::registry();
  gauges_.push_back(registry.callback("http_server_threads", "HTTP worker threads (GATEWAY_THREADS)", "gauge",
                                      [threads = config_.threads] { return static_cast<double>(threads); }));
  gauges_.push_back(registry.callback("http_requests_in_flight", "HTTP requests being handled now", "gauge",
                                      [this] { return static_cast<double>(in_flight_.load()); }));

  // Without TCP_NODELAY a keep-alive client waits ~40 ms per answer on delayed ACKs.
  server_.set_tcp_nodelay(true);
  server_.set_socket_options([this](socket_t socket) {
    httplib::default_socket_options(socket);
    listen_socket_ = socket;
  });
  server_.set_keep_alive_max_count(config_.keep_alive_max_requests);
  server_.set_keep_alive_timeout(config_.keep_alive_timeout.count());
  server_.set_payload_max_length(config_.max_body_bytes);
  int threads = config_.threads;
  server_.new_task_queue = [threads] { return new httplib::ThreadPool(static_cast<size_t>(threads)); };

  auto handler = [this](const httplib::Request& req, httplib::Response& res) { dispatch(req, res); };
  server_.Get(".*", handler);
  server_.Post(".*", handler);
  server_.Put(".*", handler);
  server_.Patch(".*", handler);
  server_.Delete(".*", handler);
  server_.Options(".*", handler);

  server_.set_pre_routing_handler([](const httplib::Request&, httplib::Response&) {
    t_started = std::chrono::steady_clock::now();
    t_route.clear();
    return httplib::Server::HandlerResponse::Unhandled;
  });
  // httplib's own refusals (413 body too large, 400 unreadable request) in our JSON shape.
  server_.set_error_handler(httplib::Server::HandlerWithResponse([](const httplib::Request&, httplib::Response& res) {
    if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
    if (res.status == 413) {
      send_detail(res, 413, "Request body is too large.");
    } else if (res.status == 404) {
      send_detail(res, 404, "Not found.");
    } else {
      send_detail(res, res.status, "Bad request.");
    }
    return httplib::Server::HandlerResponse::Handled;
  }));
  server_.set_exception_handler([](const httplib::Request& req, httplib::Response& res, std::exception_ptr error) {
    std::string what = "unknown";
    try {
      std::rethrow_exception(error);
    } catch (const std::exception& e) {
      what = e.what();
    } catch (...) {
    }
    common::log::error("unhandled error", {{"path", req.path}, {"error", what}});
    send_detail(res, 500, "A server error occurred.");
  });
  server_.set_logger([this](const httplib::Request& req, const httplib::Response& res) { record(req, res); });
}

void HttpServer::record(const httplib::Request& request, const httplib::Response& response) {
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t_started).count();
  // Routes by pattern, so the number of series stays bounded whatever paths clients send.
  const std::string& route = t_route.empty() ? kUnmatchedRoute : t_route;
  requests_.with({route, request.method, std::to_string(response.status)}).add();
  latency_.with({route, request.method}).observe(seconds);
  common::log::info("http", {{"method", request.method},
                             {"path", request.path},
                             {"route", t_route},
                             {"status", response.status},
                             {"latency_ms", seconds * 1000.0},
                             {"request_id", response.get_header_value("X-Request-Id")}});
}

void HttpServer::dispatch(const httplib::Request& request, httplib::Response& response) {
  ++in_flight_;
  struct Done {
    std::atomic<std::int64_t>& count;
    ~Done() { --count; }
  } done{in_flight_};
  RequestContext ctx{request, response, {}, nlohmann::json::object(), request_id_for(request),
                     client_address_.of(request.remote_addr, request.get_header_value("X-Forwarded-For")),
                     {}, {}};
  response.set_header("X-Request-Id", ctx.request_id);

  browser_.add_cors_headers(request, response);

  auto match = router_.match(request.method, request.path);
  if (match.route == nullptr) {
    if (match.allowed.empty()) return send_detail(response, 404, "Not found.");
    match.allowed.push_back("OPTIONS");
    response.set_header("Allow", join(match.allowed));
    if (BrowserSecurity::is_preflight(request)) return browser_.answer_preflight(request, response, match.allowed);
    if (request.method == "OPTIONS") return send_json(response, 200, nlohmann::json::object());
    return send_detail(response, 405, "Method \"" + request.method + "\" not allowed.");
  }
  const Route& route = *match.route;
  t_route = route.pattern;
  if (auto refusal = BrowserSecurity::csrf_refusal(request)) return send_detail(response, 403, *refusal);
  ctx.params = std::move(match.params);

  if (route.access == Access::kAuthenticated) {
    auto token = common::jwt::parse_bearer(request.get_header_value("Authorization"));
    if (!token) return send_unauthenticated(response, kNotAuthenticated, "not_authenticated");
    try {
      ctx.caller = tokens_.verifier().verify(*token);
    } catch (const common::jwt::TokenError&) {
      return send_unauthenticated(response, kTokenNotValid, "token_not_valid");
    }
    ctx.access_token = std::move(*token);
  }
  if (has_body(request.method)) {
    auto parsed = parse_body(request.get_header_value("Content-Type"), request.body);
    if (parsed.error_status != 0) return send_json(response, parsed.error_status, parsed.error_body);
    ctx.body = std::move(parsed.fields);
  }
  route.handler(ctx);
}

int HttpServer::bind() {
  int port = config_.port;
  if (port == 0) {
    port = server_.bind_to_any_port(config_.host);
    if (port <= 0) throw std::runtime_error("cannot bind " + config_.host);
  } else if (!server_.bind_to_port(config_.host, port)) {
    throw std::runtime_error("cannot bind " + config_.host + ":" + std::to_string(port));
  }
  // httplib listens with a backlog of 5: a burst of new connections overflows it, and the
  // dropped SYNs cost those clients 1-3 s (measured by bench/run.sh at 128 connections).
  // listen() again on the bound socket raises the backlog.
  if (listen_socket_ >= 0) ::listen(listen_socket_, SOMAXCONN);
  return port;
}

void HttpServer::serve() { server_.listen_after_bind(); }

void HttpServer::stop() { server_.stop(); }

}  // namespace gateway
