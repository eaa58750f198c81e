#include "gateway/http_server.hpp"

#include "common/core/host_port.hpp"
#include "common/core/log.hpp"
#include "common/core/text.hpp"
#include "gateway/pagination.hpp"
#include "gateway/request_body.hpp"
#include "gateway/responses.hpp"
#include "gateway/routes.hpp"
#include "gateway/user_agent.hpp"

#include <cstring>

namespace gateway {
namespace {

const std::string kUnmatchedRoute = "(unmatched)";

// A client's X-Request-Id is kept when it is short and plain, so it can be searched in logs.
std::string request_id_for(const httplib::Request& request) {
  std::string given = request.get_header_value("X-Request-Id");
  bool plain = !given.empty() && given.size() <= 128 && std::all_of(given.begin(), given.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
  });
  return plain ? given : common::unique_hex(12);
}

bool has_body(const std::string& method) { return method == "POST" || method == "PUT" || method == "PATCH"; }

// On every answer: nothing we send is for a browser to sniff into another type, and what we send
// is per user (tokens above all, RFC 6749 section 5.1), so no cache keeps it. The JWKS route
// replaces the cache headers: public keys are meant to be cached.
httplib::Headers security_headers() {
  return {{"X-Content-Type-Options", "nosniff"}, {"Cache-Control", "no-store"}, {"Pragma", "no-cache"}};
}

http::ListenerOptions listener_options(const GatewayConfig& config) {
  http::ListenerOptions options;
  options.host = config.host;
  options.port = config.port;
  options.threads = config.threads;
  options.max_connections = config.max_connections;
  options.framing.max_body_bytes = config.max_body_bytes;
  options.header_timeout = config.header_timeout;
  options.body_timeout = config.body_timeout;
  options.idle_timeout = config.keep_alive_timeout;
  options.write_timeout = config.write_timeout;
  options.keep_alive_max_requests = config.keep_alive_max_requests;
  options.max_buffered_bytes = config.max_buffered_bytes;
  return options;
}

// A framed request as httplib's request handling reads it, and the answer it writes.
class RequestStream final : public httplib::Stream {
 public:
  RequestStream(std::string head, const std::string& body, const http::Peer& peer, std::string& out)
      : head_(std::move(head)), body_(body), peer_(peer), out_(out) {}

  bool is_readable() const override { return read_ < head_.size() + body_.size(); }
  bool is_writable() const override { return true; }
  ssize_t read(char* ptr, size_t size) override {
    std::size_t copied = 0;
    while (copied < size && is_readable()) {
      bool in_head = read_ < head_.size();
      const std::string& part = in_head ? head_ : body_;
      std::size_t offset = in_head ? read_ : read_ - head_.size();
      std::size_t n = std::min(size - copied, part.size() - offset);
      std::memcpy(ptr + copied, part.data() + offset, n);
      copied += n;
      read_ += n;
    }
    return static_cast<ssize_t>(copied);
  }
  ssize_t write(const char* ptr, size_t size) override {
    out_.append(ptr, size);
    return static_cast<ssize_t>(size);
  }
  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    ip = peer_.ip;
    port = peer_.port;
  }
  void get_local_ip_and_port(std::string& ip, int& port) const override {
    ip = peer_.local_ip;
    port = peer_.local_port;
  }
  // No socket: httplib must not poll or select on one (it refuses descriptors >= FD_SETSIZE).
  socket_t socket() const override { return INVALID_SOCKET; }

 private:
  std::string head_;
  const std::string& body_;
  const http::Peer& peer_;
  std::string& out_;
  std::size_t read_ = 0;
};

// The statuses the listener refuses with.
const char* reason_phrase(int status) {
  switch (status) {
    case 400: return "Bad Request";
    case 413: return "Payload Too Large";
    case 414: return "URI Too Long";
    case 417: return "Expectation Failed";
    case 431: return "Request Header Fields Too Large";
    case 501: return "Not Implemented";
    case 503: return "Service Unavailable";
    case 505: return "HTTP Version Not Supported";
    default: return "Error";
  }
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

}  // namespace

HttpServer::HttpServer(const GatewayConfig& config, Upstreams& upstreams, const common::AccessTokens& tokens)
    : config_(config),
      tokens_(tokens),
      browser_(config.cors_origins, static_cast<int>(config.cors_max_age.count())),
      client_address_(config.trusted_proxies),
      requests_(common::metrics::registry().counter(
          "http_requests_total", "HTTP requests answered, by route, method and status", {"route", "method", "status"})),
      latency_(common::metrics::registry().histogram("http_request_duration_seconds",
                                                     "HTTP request latency, by route and method", {"route", "method"})),
      refused_(common::metrics::registry().counter(
          "http_requests_refused_total",
          "requests refused before routing (malformed framing, too large, overloaded), by status", {"status"})),
      listener_(
          listener_options(config),
          [this](http::FramedRequest& request, const http::Peer& peer, bool close, std::string& out) {
            answer(request, peer, close, out);
          },
          [this](int status, const std::string& detail) { return refusal(status, detail); }) {
  add_all_routes(router_, upstreams, tokens_, {config_.refresh_cookie, config_.cookie_secure}, &draining_);
  auto& registry = common::metrics::registry();
  gauges_.push_back(registry.callback("http_server_threads", "HTTP worker threads (GATEWAY_THREADS)", "gauge",
                                      [threads = config_.threads] { return static_cast<double>(threads); }));
  gauges_.push_back(registry.callback("http_requests_in_flight", "HTTP requests being handled now", "gauge",
                                      [this] { return static_cast<double>(in_flight_.load()); }));
  gauges_.push_back(registry.callback("http_connections_open", "HTTP connections open, idle ones included", "gauge",
                                      [this] { return static_cast<double>(listener_.stats().open_connections); }));
  gauges_.push_back(registry.callback(
      "http_buffered_request_bytes", "bytes of unfinished requests held (bounded by GATEWAY_MAX_BUFFERED_BYTES)",
      "gauge", [this] { return static_cast<double>(listener_.stats().buffered_bytes); }));

  // What the Keep-Alive response header announces.
  handlers_.set_keep_alive_max_count(config_.keep_alive_max_requests);
  handlers_.set_keep_alive_timeout(
      std::chrono::duration_cast<std::chrono::seconds>(config_.keep_alive_timeout).count());
  handlers_.set_payload_max_length(config_.max_body_bytes);
  handlers_.set_default_headers(security_headers());

  auto handler = [this](const httplib::Request& req, httplib::Response& res) { dispatch(req, res); };
  handlers_.Get(".*", handler);
  handlers_.Post(".*", handler);
  handlers_.Put(".*", handler);
  handlers_.Patch(".*", handler);
  handlers_.Delete(".*", handler);
  handlers_.Options(".*", handler);

  // httplib's own refusals (a method it does not route, an unreadable header) in our JSON shape.
  // They never reach dispatch(), which records every other request itself.
  handlers_.set_error_handler(
      httplib::Server::HandlerWithResponse([this](const httplib::Request& req, httplib::Response& res) {
        if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
        if (res.status == 413) {
          send_detail(res, 413, "Request body is too large.");
        } else if (res.status == 404) {
          send_detail(res, 404, "Not found.");
        } else {
          send_detail(res, res.status, "Bad request.");
        }
        record(req, res, {}, std::chrono::steady_clock::now());
        return httplib::Server::HandlerResponse::Handled;
      }));
}

void HttpServer::answer(http::FramedRequest& request, const http::Peer& peer, bool close, std::string& out) {
  RequestStream stream(request.canonical(), request.body, peer, out);
  handlers_.answer(stream, close);
}

std::string HttpServer::refusal(int status, const std::string& detail) {
  refused_.with({std::to_string(status)}).add();
  common::log::info("http request refused", {{"status", status}, {"detail", detail}});
  std::string body = nlohmann::json{{"detail", detail}}.dump();
  std::string response = "HTTP/1.1 " + std::to_string(status) + " " + reason_phrase(status) +
                         "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
                         "\r\nConnection: close\r\n";
  for (const auto& [name, value] : security_headers()) response += name + ": " + value + "\r\n";
  return response + "\r\n" + body;
}

void HttpServer::record(const httplib::Request& request, const httplib::Response& response, std::string_view route,
                        std::chrono::steady_clock::time_point started, const std::string& trace_id) {
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  // Routes by pattern, so the number of series stays bounded whatever paths clients send.
  const std::string series_route = route.empty() ? kUnmatchedRoute : std::string(route);
  requests_.with({series_route, request.method, std::to_string(response.status)}).add();
  latency_.with({series_route, request.method}).observe(seconds);
  common::log::info("http", {{"method", request.method},
                             {"path", request.path},
                             {"route", route},
                             {"status", response.status},
                             {"latency_ms", seconds * 1000.0},
                             {"request_id", response.get_header_value("X-Request-Id")},
                             {"trace_id", trace_id}});
}

std::string HttpServer::base_url_for(const httplib::Request& request) const {
  if (!config_.public_base_url.empty()) return config_.public_base_url;
  // The Host header is the client's to choose; only a trusted proxy's word is taken.
  if (client_address_.trusted(request.remote_addr)) {
    return link_base(request.get_header_value("X-Forwarded-Proto"), request.get_header_value("X-Forwarded-Host"),
                     listen_base_url_);
  }
  return listen_base_url_;
}

void HttpServer::dispatch(const httplib::Request& request, httplib::Response& response) {
  ++in_flight_;
  struct Done {
    std::atomic<std::int64_t>& count;
    ~Done() { --count; }
  } done{in_flight_};
  RequestContext ctx{request,
                     response,
                     {},
                     nlohmann::json::object(),
                     request_id_for(request),
                     common::child_of(request.get_header_value("traceparent")),
                     client_address_.of(request.remote_addr, request.get_header_value("X-Forwarded-For")),
                     user_agent_display_text(request.get_header_value("User-Agent")),
                     [this, &request] { return base_url_for(request); },
                     {},
                     {},
                     std::chrono::steady_clock::now(),
                     {}};
  try {
    route_and_handle(ctx);
  } catch (const std::exception& e) {
    answer_unhandled(ctx, e.what());
  } catch (...) {
    answer_unhandled(ctx, "unknown");
  }
  record(request, response, ctx.route, ctx.started, ctx.trace.trace_id);
}

void HttpServer::answer_unhandled(RequestContext& ctx, const std::string& error) {
  common::log::error("unhandled error", {{"path", ctx.http.path}, {"error", error}});
  send_detail(ctx.response, 500, "A server error occurred.");
}

void HttpServer::route_and_handle(RequestContext& ctx) {
  const httplib::Request& request = ctx.http;
  httplib::Response& response = ctx.response;
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
  ctx.route = route.pattern;
  if (auto refusal = BrowserSecurity::csrf_refusal(request)) return send_detail(response, 403, *refusal);
  ctx.params = std::move(match.params);

  if (route.access == Access::kAuthenticated) {
    auto token = common::jwt::parse_bearer(request.get_header_value("Authorization"));
    if (!token) return send_unauthenticated(response, kNotAuthenticated, "not_authenticated");
    try {
      ctx.caller = tokens_.verifier().verify(*token);
    } catch (const common::jwt::TokenError&) {
      return send_unauthenticated(response, kTokenNotValid, "token_not_valid");
    } catch (const common::RevocationUnknown& e) {
      // Fail closed: a token that may be revoked does not pass.
      common::log::warn("token refused for now", {{"error", e.what()}});
      response.set_header("Retry-After", "1");
      return send_detail(response, 503, "Service temporarily unavailable, try again later.");
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
  int port = listener_.bind();
  listen_base_url_ = "http://" + common::local_address_for({config_.host, port});
  return port;
}

void HttpServer::serve() { listener_.serve(); }

void HttpServer::stop() { listener_.stop(); }

}  // namespace gateway
