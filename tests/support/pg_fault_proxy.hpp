#pragma once

#include <atomic>
#include <cstddef>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace test_support {

// A TCP proxy between a service and PostgreSQL that drops the connection at a chosen round
// trip, so a test can drive every statement an RPC sends (the connection set-up, each
// prepare, BEGIN, each statement, COMMIT) through a lost connection. A round trip ends with
// the client's simple Query ('Q') or the Sync ('S') that closes an extended-protocol batch.
// The cut either forwards that last request first (the server may run it and only the answer
// is lost: a COMMIT whose outcome the client cannot know) or drops it unsent.
class PgFaultProxy final {
 public:
  // Listens on a free loopback port and forwards to 127.0.0.1:`upstream_port`.
  explicit PgFaultProxy(int upstream_port);
  ~PgFaultProxy();
  PgFaultProxy(const PgFaultProxy&) = delete;
  PgFaultProxy& operator=(const PgFaultProxy&) = delete;

  int port() const { return port_; }

  // Counts round trips from zero again and cuts every proxied connection at the `nth` (1-based)
  // from now; 0 cuts nothing.
  void arm(std::size_t nth, bool forward_last);
  // Round trips seen since the last arm().
  std::size_t round_trips() const { return round_trips_.load(); }
  // Whether the armed cut happened.
  bool cut() const { return cut_.load(); }
  // While stalled, nothing the clients send reaches the server: a database that hangs.
  void stall(bool stalled) { stalled_ = stalled; }
  // Bytes received from clients so far (also while stalled).
  std::size_t received() const { return received_.load(); }

  // `url` ("postgresql://user@host:port/db") with this proxy's port instead of its own.
  std::string redirect(const std::string& url) const;
  // The port of a "postgresql://user@host:port/db" URL.
  static int port_of(const std::string& url);

 private:
  void accept_loop();
  void relay(int client, int server);
  // Parses what the client sent; returns how many bytes to forward, and sets `close_after`.
  std::size_t scan_client(std::string& pending, bool& startup_done, bool& close_after);

  int upstream_port_;
  int listener_ = -1;
  int port_ = 0;
  int stop_fd_ = -1;
  std::atomic<std::size_t> round_trips_{0};
  std::atomic<std::size_t> cut_at_{0};
  std::atomic<bool> forward_last_{true};
  std::atomic<bool> cut_{false};
  std::atomic<bool> stalled_{false};
  std::atomic<std::size_t> received_{0};
  std::mutex threads_mutex_;
  std::vector<std::thread> relays_;
  std::thread acceptor_;
};

}  // namespace test_support
