#include "common/grpc/grpc_metrics.hpp"

#include "common/metrics/metrics.hpp"

#include <chrono>
#include <string>

namespace common::metrics {
namespace {

using grpc::experimental::InterceptionHookPoints;

const char* code_name(grpc::StatusCode code) {
  static const char* const names[] = {
      "OK",        "CANCELLED",      "UNKNOWN",           "INVALID_ARGUMENT",   "DEADLINE_EXCEEDED",
      "NOT_FOUND", "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION",
      "ABORTED",   "OUT_OF_RANGE",   "UNIMPLEMENTED",     "INTERNAL",           "UNAVAILABLE",
      "DATA_LOSS", "UNAUTHENTICATED"};
  auto index = static_cast<std::size_t>(code);
  return index < std::size(names) ? names[index] : "UNKNOWN";
}

// "/pkg.Service/Method" → {"pkg.Service", "Method"}.
std::pair<std::string, std::string> split_method(const char* full) {
  std::string path = full ? full : "";
  auto slash = path.rfind('/');
  if (path.empty() || path[0] != '/' || slash == 0 || slash == std::string::npos) return {"unknown", path};
  return {path.substr(1, slash - 1), path.substr(slash + 1)};
}

struct CallMetrics {
  Family<Counter>& handled;
  Family<Histogram>& latency;

  void record(const std::pair<std::string, std::string>& method, grpc::StatusCode code,
              std::chrono::steady_clock::time_point started) const {
    handled.with({method.first, method.second, code_name(code)}).add();
    latency.with({method.first, method.second})
        .observe(std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  }
};

CallMetrics call_metrics(const std::string& side) {
  auto& r = registry();
  return {r.counter("grpc_" + side + "_handled_total", "gRPC calls completed, by status code",
                    {"grpc_service", "grpc_method", "grpc_code"}),
          r.histogram("grpc_" + side + "_handling_seconds", "gRPC call latency", {"grpc_service", "grpc_method"})};
}

// Records one call when its status passes `kHook`: received (client) or sent (server).
template <InterceptionHookPoints kHook>
class CallInterceptor final : public grpc::experimental::Interceptor {
 public:
  CallInterceptor(const CallMetrics& metrics, const char* method)
      : metrics_(metrics), method_(split_method(method)), started_(std::chrono::steady_clock::now()) {}

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(kHook)) {
      if constexpr (kHook == InterceptionHookPoints::POST_RECV_STATUS) {
        metrics_.record(method_, methods->GetRecvStatus()->error_code(), started_);
      } else {
        metrics_.record(method_, methods->GetSendStatus().error_code(), started_);
      }
    }
    methods->Proceed();
  }

 private:
  const CallMetrics& metrics_;
  std::pair<std::string, std::string> method_;
  std::chrono::steady_clock::time_point started_;
};

using ClientInterceptor = CallInterceptor<InterceptionHookPoints::POST_RECV_STATUS>;
using ServerInterceptor = CallInterceptor<InterceptionHookPoints::PRE_SEND_STATUS>;

class ClientFactory final : public grpc::experimental::ClientInterceptorFactoryInterface {
 public:
  grpc::experimental::Interceptor* CreateClientInterceptor(grpc::experimental::ClientRpcInfo* info) override {
    return new ClientInterceptor(metrics_, info->method());
  }

 private:
  CallMetrics metrics_ = call_metrics("client");
};

class ServerFactory final : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  grpc::experimental::Interceptor* CreateServerInterceptor(grpc::experimental::ServerRpcInfo* info) override {
    return new ServerInterceptor(metrics_, info->method());
  }

 private:
  CallMetrics metrics_ = call_metrics("server");
};

}  // namespace

std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface> client_call_metrics() {
  return std::make_unique<ClientFactory>();
}

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface> server_call_metrics() {
  return std::make_unique<ServerFactory>();
}

}  // namespace common::metrics
