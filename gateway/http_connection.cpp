#include "gateway/http_connection.hpp"

#include "common/core/log.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace gateway::http {
namespace {

constexpr std::size_t kReadPerTurn = 256 * 1024;          // then other connections get a turn
constexpr std::size_t kSmallConnectionBytes = 64 * 1024;  // never refused for the shared budget
constexpr auto kLingerTime = std::chrono::seconds(2);
constexpr char kContinue[] = "HTTP/1.1 100 Continue\r\n\r\n";

}  // namespace

void HttpListener::handle(Connection& connection) {
  {
    std::lock_guard lock(connection.mutex);
    bool keep = false;
    switch (connection.phase) {
      case Connection::Phase::kReading: keep = read_and_serve(connection); break;
      case Connection::Phase::kWriting:
        keep = flush(connection);
        if (keep && connection.phase == Connection::Phase::kReading) {
          keep = connection.close_after_write ? finish_or_linger(connection) : serve_buffered(connection);
        }
        break;
      case Connection::Phase::kLingering: {
        // Read and drop what the client still sends, so closing does not reset the connection
        // before it has read our last answer; the reaper ends this after kLingerTime.
        char sink[16384];
        keep = true;
        for (int i = 0; i < 16 && keep; ++i) {
          ssize_t n = ::recv(connection.fd, sink, sizeof sink, 0);
          if (n > 0) continue;
          if (n < 0 && errno == EINTR) continue;
          keep = n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
          break;
        }
        break;
      }
    }
    if (keep) {
      rearm(connection);
      return;
    }
  }
  close_connection(connection);
}

bool HttpListener::read_and_serve(Connection& connection) {
  thread_local std::vector<char> buffer(64 * 1024);
  std::size_t limit = connection.in.size() + kReadPerTurn;
  while (connection.in.size() < limit) {
    ssize_t n = ::recv(connection.fd, buffer.data(), buffer.size(), 0);
    if (n > 0) {
      connection.in.append(buffer.data(), static_cast<std::size_t>(n));
      if (static_cast<std::size_t>(n) < buffer.size()) break;
      continue;
    }
    if (n == 0) {
      connection.peer_closed = true;
      break;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) break;
    return false;  // reset by the peer
  }
  return serve_buffered(connection);
}

bool HttpListener::serve_buffered(Connection& connection) {
  const bool peer_closed = connection.peer_closed;
  while (true) {
    bool was_started = connection.framer.started();
    std::size_t used = connection.framer.feed(connection.in);
    connection.in.erase(0, used);
    if (!was_started && connection.framer.started()) connection.request_started = Clock::now();
    account(connection);
    switch (connection.framer.state()) {
      case RequestFramer::State::kRejected:
        return refuse(connection, connection.framer.rejection().status, connection.framer.rejection().detail);
      case RequestFramer::State::kIncomplete:
        if (peer_closed) return false;  // half a request, and nothing more can come
        if (buffered_bytes_ > options_.max_buffered_bytes && connection.accounted > kSmallConnectionBytes) {
          return refuse(connection, 503, "The server is busy; try again later.");
        }
        if (connection.framer.awaiting_continue()) {
          connection.out += kContinue;
          connection.framer.continue_sent();
          return flush(connection);
        }
        return true;
      case RequestFramer::State::kComplete: {
        FramedRequest request = connection.framer.take();
        account(connection);
        ++connection.served;
        bool close =
            !request.keep_alive || peer_closed || stopping_ || connection.served >= options_.keep_alive_max_requests;
        processor_(request, connection.peer, close, connection.out);
        connection.last_activity = Clock::now();
        if (close) {
          connection.close_after_write = true;
          connection.in.clear();
          account(connection);
        }
        if (!flush(connection)) return false;
        if (connection.phase == Connection::Phase::kWriting) return true;  // the rest waits its turn
        if (connection.close_after_write) return finish_or_linger(connection);
        if (connection.in.capacity() > kReadPerTurn && connection.in.empty()) connection.in.shrink_to_fit();
        break;  // a pipelined request may follow in `in`
      }
    }
  }
}

bool HttpListener::refuse(Connection& connection, int status, const std::string& detail) {
  connection.out += refusal_(status, detail);
  connection.close_after_write = true;
  connection.in.clear();
  connection.framer = RequestFramer(options_.framing);
  account(connection);
  if (!flush(connection)) return false;
  if (connection.phase == Connection::Phase::kWriting) return true;
  return finish_or_linger(connection);
}

bool HttpListener::flush(Connection& connection) {
  while (connection.out_sent < connection.out.size()) {
    ssize_t n = ::send(connection.fd, connection.out.data() + connection.out_sent,
                       connection.out.size() - connection.out_sent, MSG_NOSIGNAL);
    if (n > 0) {
      connection.out_sent += static_cast<std::size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      if (connection.phase != Connection::Phase::kWriting) {
        connection.phase = Connection::Phase::kWriting;
        connection.phase_started = Clock::now();
      }
      return true;
    }
    return false;
  }
  connection.out.clear();
  connection.out_sent = 0;
  if (connection.out.capacity() > kReadPerTurn) connection.out.shrink_to_fit();
  if (connection.phase == Connection::Phase::kWriting) connection.phase = Connection::Phase::kReading;
  return true;
}

bool HttpListener::finish_or_linger(Connection& connection) {
  if (connection.peer_closed) return false;
  ::shutdown(connection.fd, SHUT_WR);
  connection.phase = Connection::Phase::kLingering;
  connection.phase_started = Clock::now();
  return true;
}

void HttpListener::account(Connection& connection) {
  std::size_t now = connection.in.size() + connection.framer.body_bytes();
  if (now >= connection.accounted) {
    buffered_bytes_ += now - connection.accounted;
  } else {
    buffered_bytes_ -= connection.accounted - now;
  }
  connection.accounted = now;
}

// Called with connection.mutex held: sets the deadline of the phase the connection is in.
void HttpListener::rearm(Connection& connection) {
  using Phase = Connection::Phase;
  switch (connection.phase) {
    case Phase::kReading:
      if (!connection.framer.started()) {
        connection.deadline = connection.last_activity + options_.idle_timeout;
      } else if (!connection.framer.head_done()) {
        connection.deadline = connection.request_started + options_.header_timeout;
      } else {
        connection.deadline = connection.request_started + options_.header_timeout + options_.body_timeout;
      }
      break;
    case Phase::kWriting: connection.deadline = connection.phase_started + options_.write_timeout; break;
    case Phase::kLingering: connection.deadline = connection.phase_started + kLingerTime; break;
  }
  epoll_arm(epoll_fd_, EPOLL_CTL_MOD, connection.fd,
            (connection.phase == Phase::kWriting ? EPOLLOUT : EPOLLIN) | EPOLLONESHOT, &connection);
}

void HttpListener::close_connection(Connection& connection) {
  int fd = connection.fd;
  std::lock_guard lock(connections_mutex_);
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
  buffered_bytes_ -= connection.accounted;
  ::close(fd);
  if (connections_.erase(fd) > 0) --connection_count_;
}

}  // namespace gateway::http
