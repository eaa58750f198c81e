// A closed-loop gRPC load client for the content service, the gRPC counterpart of wrk: keeps
// CONNECTIONS calls outstanding (each slot issues its next call when the last one returns)
// for SECONDS, then prints throughput and latency percentiles as JSON.
// Usage: grpc_load TARGET METHOD TOKEN POST_ID CONNECTIONS SECONDS
//   METHOD: GetPost | ListPosts | GetDashboard
#include "content/v1/content.grpc.pb.h"

#include <grpcpp/grpcpp.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <iostream>
#include <mutex>
#include <string>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;
using content::v1::ContentService;

class Runner {
 public:
  Runner(std::shared_ptr<grpc::Channel> channel, std::string method, std::string token, std::int64_t post_id, int slots,
         std::chrono::seconds duration)
      : stub_(ContentService::NewStub(std::move(channel))),
        method_(std::move(method)),
        bearer_("Bearer " + std::move(token)),
        post_id_(post_id),
        latencies_(static_cast<std::size_t>(slots)),
        slots_(slots),
        duration_(duration) {}

  nlohmann::json run() {
    started_ = Clock::now();
    end_ = started_ + duration_;
    outstanding_ = slots_;
    for (int slot = 0; slot < slots_; ++slot) issue(slot);
    std::unique_lock lock(mutex_);
    all_done_.wait(lock, [this] { return outstanding_ == 0; });
    double elapsed = std::chrono::duration<double>(Clock::now() - started_).count();
    std::vector<double> all;
    for (const auto& slot : latencies_) all.insert(all.end(), slot.begin(), slot.end());
    std::sort(all.begin(), all.end());
    auto percentile = [&all](double p) {
      return all.empty() ? 0.0 : all[std::min(all.size() - 1, static_cast<std::size_t>(p * all.size()))];
    };
    return {{"requests", all.size()},     {"errors", errors_.load()},
            {"seconds", elapsed},         {"rps", static_cast<double>(all.size()) / elapsed},
            {"p50_ms", percentile(0.50)}, {"p99_ms", percentile(0.99)}};
  }

 private:
  struct Call {
    grpc::ClientContext context;
    Clock::time_point started = Clock::now();
    content::v1::GetPostRequest get_request;
    content::v1::GetPostResponse get_response;
    content::v1::ListPostsRequest list_request;
    content::v1::ListPostsResponse list_response;
    content::v1::GetDashboardRequest dashboard_request;
    content::v1::GetDashboardResponse dashboard_response;
  };

  void issue(int slot) {
    auto* call = new Call;
    call->context.AddMetadata("authorization", bearer_);
    call->context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    auto done = [this, call, slot](grpc::Status status) { finished(slot, call, status); };
    if (method_ == "GetPost") {
      call->get_request.set_id(post_id_);
      stub_->async()->GetPost(&call->context, &call->get_request, &call->get_response, done);
    } else if (method_ == "ListPosts") {
      stub_->async()->ListPosts(&call->context, &call->list_request, &call->list_response, done);
    } else {
      stub_->async()->GetDashboard(&call->context, &call->dashboard_request, &call->dashboard_response, done);
    }
  }

  void finished(int slot, Call* call, const grpc::Status& status) {
    auto now = Clock::now();
    if (status.ok()) {
      latencies_[static_cast<std::size_t>(slot)].push_back(
          std::chrono::duration<double, std::milli>(now - call->started).count());
    } else {
      ++errors_;
    }
    delete call;
    if (now < end_) return issue(slot);
    std::lock_guard lock(mutex_);
    if (--outstanding_ == 0) all_done_.notify_one();
  }

  std::unique_ptr<ContentService::Stub> stub_;
  std::string method_;
  std::string bearer_;
  std::int64_t post_id_;
  std::vector<std::vector<double>> latencies_;  // per slot: one call at a time, no lock
  int slots_;
  std::chrono::seconds duration_;
  Clock::time_point started_;
  Clock::time_point end_;
  std::atomic<std::uint64_t> errors_{0};
  std::mutex mutex_;
  std::condition_variable all_done_;
  int outstanding_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc != 7) {
    std::cerr << "usage: grpc_load TARGET GetPost|ListPosts|GetDashboard TOKEN POST_ID CONNECTIONS SECONDS\n";
    return 2;
  }
  std::string method = argv[2];
  if (method != "GetPost" && method != "ListPosts" && method != "GetDashboard") {
    std::cerr << "unknown method " << method << "\n";
    return 2;
  }
  auto channel = grpc::CreateChannel(argv[1], grpc::InsecureChannelCredentials());
  if (!channel->WaitForConnected(std::chrono::system_clock::now() + std::chrono::seconds(5))) {
    std::cerr << "cannot connect to " << argv[1] << "\n";
    return 1;
  }
  Runner runner(channel, method, argv[3], std::atoll(argv[4]), std::atoi(argv[5]),
                std::chrono::seconds(std::atoi(argv[6])));
  std::cout << runner.run().dump() << "\n";
  return 0;
}
