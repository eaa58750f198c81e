#include "common/grpc/grpc_client_poller.hpp"

#include <grpc/support/time.h>

namespace common {

GrpcClientPoller::GrpcClientPoller() {
  never_.Set(&queue_, gpr_inf_future(GPR_CLOCK_REALTIME), this);
  thread_ = std::thread([this] {
    void* tag = nullptr;
    bool ok = false;
    while (queue_.Next(&tag, &ok)) {
    }
  });
}

GrpcClientPoller::~GrpcClientPoller() {
  never_.Cancel();
  queue_.Shutdown();
  thread_.join();
}

}  // namespace common
