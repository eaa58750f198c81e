#pragma once

#include "gateway/http_listener.hpp"

#include <sys/epoll.h>

#include <cstdint>

// What the listener's two halves share: http_listener.cpp accepts connections and runs the
// workers and the reaper; http_connection.cpp reads, frames, answers and writes each one.
namespace gateway::http {

// One client connection. Its phase says what its socket is armed for.
struct HttpListener::Connection {
  enum class Phase { kReading, kWriting, kLingering };

  Connection(int socket, Peer from, FramingLimits limits) : fd(socket), peer(std::move(from)), framer(limits) {}

  const int fd;
  const Peer peer;
  // Held by the worker handling the connection; the reaper only ever try_locks it.
  std::mutex mutex;
  std::string in;   // received, not yet framed
  std::string out;  // answers not yet sent
  std::size_t out_sent = 0;
  RequestFramer framer;
  Phase phase = Phase::kReading;
  Clock::time_point last_activity = Clock::now();
  Clock::time_point request_started;
  Clock::time_point phase_started;
  Clock::time_point deadline = Clock::time_point::max();
  std::size_t served = 0;
  std::size_t accounted = 0;  // bytes counted in the listener's buffer budget
  bool close_after_write = false;
  bool peer_closed = false;
};

// Adds (EPOLL_CTL_ADD) or re-arms (EPOLL_CTL_MOD) `fd` for `events`; `tag` comes back with them.
inline bool epoll_arm(int epoll_fd, int operation, int fd, std::uint32_t events, void* tag) {
  epoll_event event{};
  event.events = events;
  event.data.ptr = tag;
  return ::epoll_ctl(epoll_fd, operation, fd, &event) == 0;
}

}  // namespace gateway::http
