#include "common/grpc/grpc_channel.hpp"

#include "common/grpc/grpc_metrics.hpp"

#include <nlohmann/json.hpp>

#include <cstdlib>

namespace common {
namespace {

constexpr int kMaxReceiveBytes = 64 * 1024 * 1024;
// Three attempts fit in the gateway's default 5 s deadline.
constexpr const char* kPerAttemptTimeout = "1.5s";
// An HTTP/2 PING every second on every connection, idle or not; a peer that does not answer
// within 2 s (SIGSTOPped, its host gone, a half-open connection) is dropped and its calls fail
// over, in about 3 s instead of TCP's minutes. Not less: on a loaded 2-core machine a healthy
// server's ack took over a second (bench smoke), and a dropped connection costs every caller
// of that replica a reconnect and a health check. Servers allow this (grpc_server.cpp).
constexpr int kKeepaliveTimeMs = 1000;
constexpr int kKeepaliveTimeoutMs = 2000;

std::string service_config(const std::vector<RetriedMethod>& idempotent) {
  nlohmann::json names = nlohmann::json::array();
  for (const auto& m : idempotent) names.push_back({{"service", m.service}, {"method", m.method}});
  // Health watching: a replica saying NOT_SERVING (starting, or draining before it stops) gets
  // no new calls.
  nlohmann::json config = {{"loadBalancingConfig", {{{"round_robin", nlohmann::json::object()}}}},
                           {"healthCheckConfig", {{"serviceName", ""}}}};
  if (!names.empty()) {
    config["methodConfig"] = {{{"name", names},
                               {"retryPolicy",
                                {{"maxAttempts", 3},
                                 {"initialBackoff", "0.02s"},
                                 {"maxBackoff", "0.2s"},
                                 {"backoffMultiplier", 2},
                                 {"retryableStatusCodes", {"UNAVAILABLE"}},
                                 // A replica that accepted the call but does not answer (its
                                 // database hangs) gets this long; then the call goes elsewhere.
                                 {"perAttemptRecvTimeout", kPerAttemptTimeout}}}}};
    // Retries stop while more than half of recent calls fail, so a dead fleet is not hammered.
    config["retryThrottling"] = {{"maxTokens", 100}, {"tokenRatio", 0.1}};
  }
  return config.dump();
}

}  // namespace

std::shared_ptr<grpc::Channel> make_channel(const std::string& target, const std::vector<RetriedMethod>& idempotent,
                                            bool own_connections) {
  grpc::ChannelArguments args;
  if (own_connections) args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  args.SetServiceConfigJSON(service_config(idempotent));
  // Our policy, not one from DNS TXT records.
  args.SetInt(GRPC_ARG_SERVICE_CONFIG_DISABLE_RESOLUTION, 1);
  // An unpaged list of a user with many posts exceeds gRPC's default 4 MiB.
  args.SetMaxReceiveMessageSize(kMaxReceiveBytes);
  // A restarted replica is usually back within a second: retry connecting soon, and about
  // once a second at most (gRPC's defaults: 1 s, up to 120 s; it adds 20 % jitter). Until a channel has reconnected,
  // the other replica is all it has, and a rollout drains that one next. A refused connect to a replica that stays gone
  // costs next to nothing.
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 200);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 1000);
  args.SetInt(GRPC_ARG_KEEPALIVE_TIME_MS, kKeepaliveTimeMs);
  args.SetInt(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, kKeepaliveTimeoutMs);
  args.SetInt(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  args.SetInt(GRPC_ARG_HTTP2_MAX_PINGS_WITHOUT_DATA, 0);
  // gRPC 1.51 reads perAttemptRecvTimeout only with this experimental switch on.
  args.SetInt("grpc.experimental.enable_hedging", 1);
  std::vector<std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface>> interceptors;
  interceptors.push_back(metrics::client_call_metrics());
  return grpc::experimental::CreateCustomChannelWithInterceptors(target, grpc::InsecureChannelCredentials(), args,
                                                                 std::move(interceptors));
}

bool health_check(grpc::health::v1::Health::Stub& stub, const std::string& service, std::chrono::milliseconds timeout,
                  std::string* why) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + timeout);
  grpc::health::v1::HealthCheckRequest request;
  request.set_service(service);
  grpc::health::v1::HealthCheckResponse response;
  auto status = stub.Check(&context, request, &response);
  bool serving = status.ok() && response.status() == grpc::health::v1::HealthCheckResponse::SERVING;
  if (why) *why = serving ? "SERVING" : status.ok() ? "NOT_SERVING" : status.error_message();
  return serving;
}

}  // namespace common
