#pragma once

#include <grpcpp/alarm.h>
#include <grpcpp/completion_queue.h>

#include <thread>

namespace common {

// One thread that keeps polling gRPC's sockets, for a process whose only gRPC use is blocking
// client calls (the gateway; create it in main, before the channels). Such a process reads its
// connections only while a call waits, or on gRPC's backup-poll tick, which handles a single
// ready socket per tick. Idle, with a dozen connections each pinged every second, the acks
// queued behind one another past their 2 s timeout: healthy connections were dropped as dead
// (a trace said "Keepalive watchdog fired"), and calls failed or waited while they came back.
// Waiting on a queue of its own polls every socket because gRPC's epoll1 engine (the default
// here) keeps them all in one epoll set. Servers need none: their own threads poll.
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
