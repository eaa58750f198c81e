#pragma once

#include "gateway/http_framing.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

// The gateway's connection layer: the socket side of HTTP/1.1, before any handler runs.
//
// Why not httplib's own server loop: it gives each open connection a pool thread, so a few
// hundred idle keep-alive connections (an ingress's upstream pool, or an attacker) starve real
// requests; it drops a pipelined second request; and it frames requests leniently (the first of
// two Content-Lengths, "abc" read as 0, chunked bodies unbounded). Here, connections wait in
// epoll and cost a socket and a small buffer; `threads` workers take whichever connection has
// bytes, frame its requests strictly (http_framing), run complete ones in order through the
// processor (httplib's request handling and our handlers), and write the answers without ever
// blocking on a slow client. Every phase has a deadline, and the bytes held for unfinished
// requests share one budget, so memory stays bounded whatever clients do.
namespace gateway::http {

struct ListenerOptions {
  std::string host = "127.0.0.1";
  int port = 0;      // 0: any free port
  int threads = 64;  // requests handled at once (handlers block on gRPC)
  std::size_t max_connections = 10000;
  FramingLimits framing;
  std::chrono::milliseconds header_timeout{10000};  // first byte of a request to its whole head
  std::chrono::milliseconds body_timeout{30000};    // the head to the whole body
  std::chrono::milliseconds idle_timeout{75000};    // keep-alive connection waiting for a request
  std::chrono::milliseconds write_timeout{10000};   // an answer the client does not read
  std::size_t keep_alive_max_requests = 10000;
  std::size_t max_buffered_bytes = 128 * 1024 * 1024;  // unfinished requests, all connections
};

struct Peer {
  std::string ip;
  int port = 0;
  std::string local_ip;
  int local_port = 0;
};

// Answers one complete request: appends the whole HTTP response to `out`. `close` says the
// connection ends after it (the answer must say "Connection: close").
using RequestProcessor = std::function<void(FramedRequest& request, const Peer& peer, bool close, std::string& out)>;
// The listener's own refusals (malformed framing, too large, overloaded) as HTTP responses.
using RefusalWriter = std::function<std::string(int status, const std::string& detail)>;

struct ListenerStats {
  std::size_t open_connections = 0;
  std::size_t buffered_bytes = 0;
};

class HttpListener final {
 public:
  HttpListener(ListenerOptions options, RequestProcessor processor, RefusalWriter refusal);
  ~HttpListener();
  HttpListener(const HttpListener&) = delete;
  HttpListener& operator=(const HttpListener&) = delete;

  // Binds and listens; returns the bound port. Raises the open-file limit to what
  // max_connections needs (or lowers max_connections to what the hard limit allows).
  int bind();
  // Serves until stop(); requests being handled finish before it returns.
  void serve();
  void stop();

  ListenerStats stats() const;

 private:
  struct Connection;
  using Clock = std::chrono::steady_clock;

  void run_worker();
  void run_reaper();
  void accept_connections();
  void handle(Connection& connection);
  bool read_and_serve(Connection& connection);
  bool serve_buffered(Connection& connection);
  bool flush(Connection& connection);
  bool refuse(Connection& connection, int status, const std::string& detail);
  bool finish_or_linger(Connection& connection);
  void account(Connection& connection);
  void rearm(Connection& connection);
  void close_connection(Connection& connection);
  bool shed_idle_connection();

  ListenerOptions options_;
  RequestProcessor processor_;
  RefusalWriter refusal_;
  int listen_fd_ = -1;
  int epoll_fd_ = -1;
  int wake_fd_ = -1;     // eventfd: readable once stop() is called
  int reserve_fd_ = -1;  // given up to accept-and-close when the process runs out of fds
  std::atomic<bool> stopping_{false};
  std::mutex reaper_mutex_;  // with reaper_wake_: stop() ends the reaper's wait at once
  std::condition_variable reaper_wake_;
  std::atomic<std::size_t> buffered_bytes_{0};

  mutable std::mutex connections_mutex_;
  std::unordered_map<int, std::unique_ptr<Connection>> connections_;
  std::atomic<std::size_t> connection_count_{0};
};

}  // namespace gateway::http
