#pragma once

#include <grpcpp/alarm.h>
#include <grpcpp/completion_queue.h>

#include <thread>

namespace common {

// One thread that keeps polling gRPC's sockets, for a process whose only gRPC use is blocking
// client calls (the gateway). Such a process reads its connections only while a call waits, or
// on gRPC's backup poller tick, which handles a single ready socket per tick (epoll1). Idle,
// with a dozen connections each pinged every second, the acks queued behind one another past
// their 2 s timeout: healthy connections were dropped as dead, and calls failed or waited while
// they came back (CI, e2e replicas test). Servers need none: their own threads poll.
class GrpcClientPoller final {
 public:
  GrpcClientPoller();
  ~GrpcClientPoller();
  GrpcClientPoller(const GrpcClientPoller&) = delete;
  GrpcClientPoller& operator=(const GrpcClientPoller&) = delete;

 private:
  grpc::CompletionQueue queue_;
  grpc::Alarm never_;  // pending until shutdown, so Next() keeps polling
  std::thread thread_;
};

}  // namespace common
