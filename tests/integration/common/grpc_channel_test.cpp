// Client channels (common/grpc_channel.hpp) against real gRPC servers: a replica that accepts
// calls but never answers them does not hold idempotent calls until their deadline.
#include "common/grpc/grpc_channel.hpp"
#include "support/test_support.hpp"

#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>

namespace {

using namespace std::chrono_literals;

// A health service that answers at once, or (after hang()) holds every call until destroyed.
class Replica final : public grpc::health::v1::Health::Service {
 public:
  Replica() {
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port_);
    builder.RegisterService(this);
    server_ = builder.BuildAndStart();
  }
  ~Replica() override {
    {
      std::lock_guard lock(mutex_);
      released_ = true;
    }
    released_changed_.notify_all();
    server_->Shutdown(std::chrono::system_clock::now() + 5s);
  }

  grpc::Status Check(grpc::ServerContext*, const grpc::health::v1::HealthCheckRequest*,
                     grpc::health::v1::HealthCheckResponse* response) override {
    ++calls_;
    if (hangs_) {
      std::unique_lock lock(mutex_);
      released_changed_.wait_for(lock, 10s, [this] { return released_; });
    }
    response->set_status(grpc::health::v1::HealthCheckResponse::SERVING);
    return grpc::Status::OK;
  }

  void hang() { hangs_ = true; }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  int calls() const { return calls_.load(); }

 private:
  std::atomic<bool> hangs_{false};
  int port_ = 0;
  std::unique_ptr<grpc::Server> server_;
  std::atomic<int> calls_{0};
  std::mutex mutex_;
  std::condition_variable released_changed_;
  bool released_ = false;
};

TEST(GrpcChannel, AnIdempotentCallToAHangingReplicaMovesToAnotherBeforeItsDeadline) {
  Replica hanging;
  Replica healthy;
  auto channel =
      common::make_channel("ipv4:" + hanging.address() + "," + healthy.address(), {{"grpc.health.v1.Health", "Check"}});
  auto stub = grpc::health::v1::Health::NewStub(channel);
  // Both connected and answering (round robin picks among ready replicas only); then one hangs.
  ASSERT_TRUE(test_support::wait_until(5000ms, [&] {
    common::health_check(*stub, "", 1000ms);
    return hanging.calls() > 0 && healthy.calls() > 0;
  }));
  hanging.hang();
  int answered_before = healthy.calls();
  int hung_before = hanging.calls();
  for (int i = 0; i < 4; ++i) {
    std::string why;
    // 3 s: well short of the hang, long enough for one 1.5 s attempt and a retry.
    EXPECT_TRUE(common::health_check(*stub, "", 3000ms, &why)) << "call " << i << ": " << why;
  }
  EXPECT_GE(hanging.calls() - hung_before, 1) << "round robin never tried the hanging replica";
  EXPECT_GE(healthy.calls() - answered_before, 4);
}

}  // namespace
