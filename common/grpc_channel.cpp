#include "common/grpc_channel.hpp"

#include "common/grpc_metrics.hpp"

#include <nlohmann/json.hpp>

namespace common {
namespace {

constexpr int kMaxReceiveBytes = 64 * 1024 * 1024;

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
                                 {"retryableStatusCodes", {"UNAVAILABLE"}}}}}};
    // Retries stop while more than half of recent calls fail, so a dead fleet is not hammered.
    config["retryThrottling"] = {{"maxTokens", 100}, {"tokenRatio", 0.1}};
  }
  return config.dump();
}

}  // namespace

std::shared_ptr<grpc::Channel> make_channel(const std::string& target,
                                            const std::vector<RetriedMethod>& idempotent) {
  grpc::ChannelArguments args;
  args.SetServiceConfigJSON(service_config(idempotent));
  // Our policy, not one from DNS TXT records.
  args.SetInt(GRPC_ARG_SERVICE_CONFIG_DISABLE_RESOLUTION, 1);
  // An unpaged list of a user with many posts exceeds gRPC's default 4 MiB.
  args.SetMaxReceiveMessageSize(kMaxReceiveBytes);
  // A restarted replica is usually back within a second: retry connecting soon, and never
  // wait longer than a few seconds between attempts (gRPC's defaults: 1 s, up to 120 s).
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 200);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 5000);
  std::vector<std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface>> interceptors;
  interceptors.push_back(metrics::client_call_metrics());
  return grpc::experimental::CreateCustomChannelWithInterceptors(target, grpc::InsecureChannelCredentials(), args,
                                                                 std::move(interceptors));
}

bool health_check(grpc::health::v1::Health::Stub& stub, const std::string& service,
                  std::chrono::milliseconds timeout, std::string* why) {
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
