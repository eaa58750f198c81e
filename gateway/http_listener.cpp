#include "gateway/http_listener.hpp"

#include "gateway/http_connection.hpp"

#include "common/core/log.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace gateway::http {
namespace {

constexpr std::size_t kAcceptsPerTurn = 128;
constexpr std::size_t kFdsBesideConnections = 256;  // gRPC, logs, metrics, the listener
constexpr auto kReaperInterval = std::chrono::milliseconds(200);

std::string numeric_host(const sockaddr_storage& address, socklen_t length, int& port) {
  char host[NI_MAXHOST] = {};
  char service[NI_MAXSERV] = {};
  if (::getnameinfo(reinterpret_cast<const sockaddr*>(&address), length, host, sizeof host, service, sizeof service,
                    NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
    port = 0;
    return {};
  }
  port = std::atoi(service);
  return host;
}

std::runtime_error system_error(const std::string& what) {
  return std::runtime_error(what + ": " + std::strerror(errno));
}

}  // namespace

HttpListener::HttpListener(ListenerOptions options, RequestProcessor processor, RefusalWriter refusal)
    : options_(std::move(options)), processor_(std::move(processor)), refusal_(std::move(refusal)) {}

HttpListener::~HttpListener() {
  for (auto& [fd, connection] : connections_) ::close(fd);
  for (int fd : {listen_fd_, epoll_fd_, wake_fd_, reserve_fd_}) {
    if (fd >= 0) ::close(fd);
  }
}

int HttpListener::bind() {
  // Each connection is a file descriptor: make room for max_connections of them.
  rlimit files{};
  if (::getrlimit(RLIMIT_NOFILE, &files) == 0) {
    rlim_t wanted = options_.max_connections + static_cast<rlim_t>(options_.threads) + kFdsBesideConnections;
    if (files.rlim_cur < wanted) {
      files.rlim_cur = std::min(wanted, files.rlim_max);
      ::setrlimit(RLIMIT_NOFILE, &files);
      ::getrlimit(RLIMIT_NOFILE, &files);
    }
    rlim_t reserved = static_cast<rlim_t>(options_.threads) + kFdsBesideConnections;
    if (files.rlim_cur < wanted) {
      auto allowed = files.rlim_cur > reserved + 64 ? static_cast<std::size_t>(files.rlim_cur - reserved) : 64;
      common::log::warn("open-file limit too low for GATEWAY_MAX_CONNECTIONS",
                        {{"wanted", options_.max_connections}, {"allowed", allowed}});
      options_.max_connections = allowed;
    }
  }

  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  std::string port = std::to_string(options_.port);
  if (int rc = ::getaddrinfo(options_.host.empty() ? nullptr : options_.host.c_str(), port.c_str(), &hints, &found);
      rc != 0) {
    throw std::runtime_error("cannot resolve " + options_.host + ": " + ::gai_strerror(rc));
  }
  std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> addresses(found, ::freeaddrinfo);
  listen_fd_ = ::socket(found->ai_family, found->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, found->ai_protocol);
  if (listen_fd_ < 0) throw system_error("socket");
  int on = 1;
  ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  if (::bind(listen_fd_, found->ai_addr, found->ai_addrlen) != 0) {
    throw system_error("cannot bind " + options_.host + ":" + port);
  }
  // A burst of new connections must not overflow the accept queue (dropped SYNs cost 1-3 s).
  if (::listen(listen_fd_, SOMAXCONN) != 0) throw system_error("listen");
  sockaddr_storage bound{};
  socklen_t length = sizeof bound;
  ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&bound), &length);
  int bound_port = 0;
  numeric_host(bound, length, bound_port);

  epoll_fd_ = ::epoll_create1(EPOLL_CLOEXEC);
  wake_fd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  reserve_fd_ = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (epoll_fd_ < 0 || wake_fd_ < 0) throw system_error("epoll");
  // The wake-up is level-triggered and never read: every worker sees it.
  if (!epoll_arm(epoll_fd_, EPOLL_CTL_ADD, listen_fd_, EPOLLIN | EPOLLONESHOT, &listen_fd_) ||
      !epoll_arm(epoll_fd_, EPOLL_CTL_ADD, wake_fd_, EPOLLIN, &wake_fd_)) {
    throw system_error("epoll_ctl");
  }
  return bound_port;
}

void HttpListener::serve() {
  std::vector<std::thread> workers;
  workers.reserve(static_cast<std::size_t>(options_.threads));
  for (int i = 0; i < options_.threads; ++i) workers.emplace_back([this] { run_worker(); });
  std::thread reaper([this] { run_reaper(); });
  for (auto& worker : workers) worker.join();
  reaper.join();
  std::lock_guard lock(connections_mutex_);
  for (auto& [fd, connection] : connections_) ::close(fd);
  connections_.clear();
  connection_count_ = 0;
}

void HttpListener::stop() {
  {
    std::lock_guard lock(reaper_mutex_);
    if (stopping_.exchange(true)) return;
  }
  reaper_wake_.notify_all();
  // No new connections from now on; the descriptor is closed once no worker can use it.
  if (listen_fd_ >= 0) ::shutdown(listen_fd_, SHUT_RDWR);
  std::uint64_t one = 1;
  if (wake_fd_ >= 0) {
    ssize_t written = ::write(wake_fd_, &one, sizeof one);
    (void)written;  // an eventfd write of 1 cannot fail short of an overflow
  }
}

ListenerStats HttpListener::stats() const { return {connection_count_.load(), buffered_bytes_.load()}; }

void HttpListener::run_worker() {
  epoll_event event{};
  while (true) {
    int ready = ::epoll_wait(epoll_fd_, &event, 1, -1);
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) {
      common::log::error("epoll_wait failed", {{"error", std::strerror(errno)}});
      return;
    }
    if (ready == 0) continue;
    if (event.data.ptr == &wake_fd_ || stopping_) return;
    if (event.data.ptr == &listen_fd_) {
      accept_connections();
      continue;
    }
    handle(*static_cast<Connection*>(event.data.ptr));
  }
}

void HttpListener::run_reaper() {
  while (!stopping_) {
    {
      auto now = Clock::now();
      std::lock_guard lock(connections_mutex_);
      for (auto& [fd, connection] : connections_) {
        std::unique_lock busy(connection->mutex, std::try_to_lock);
        if (!busy.owns_lock() || now < connection->deadline) continue;
        // The worker that gets the resulting hang-up closes it; nothing is freed here.
        connection->deadline = Clock::time_point::max();
        ::shutdown(fd, SHUT_RDWR);
      }
    }
    // stop() wakes it, so stopping never waits for the interval.
    std::unique_lock lock(reaper_mutex_);
    reaper_wake_.wait_for(lock, kReaperInterval, [this] { return stopping_.load(); });
  }
}

void HttpListener::accept_connections() {
  for (std::size_t i = 0; i < kAcceptsPerTurn && !stopping_; ++i) {
    sockaddr_storage address{};
    socklen_t length = sizeof address;
    int fd = ::accept4(listen_fd_, reinterpret_cast<sockaddr*>(&address), &length, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      if ((errno == EMFILE || errno == ENFILE) && reserve_fd_ >= 0) {
        // Out of descriptors: take the waiting connection and close it at once, or the
        // listener would stay readable and spin.
        ::close(reserve_fd_);
        int refused = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
        if (refused >= 0) ::close(refused);
        reserve_fd_ = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
        common::log::warn("out of file descriptors: connection refused", {});
        continue;
      }
      break;  // EAGAIN: none waiting
    }
    int on = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);  // else ~40 ms per answer
    Peer peer;
    peer.ip = numeric_host(address, length, peer.port);
    sockaddr_storage local{};
    socklen_t local_length = sizeof local;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&local), &local_length);
    peer.local_ip = numeric_host(local, local_length, peer.local_port);

    auto connection = std::make_unique<Connection>(fd, std::move(peer), options_.framing);
    Connection* raw = connection.get();
    {
      std::lock_guard lock(connections_mutex_);
      if (connections_.size() >= options_.max_connections && !shed_idle_connection()) {
        ::close(fd);
        continue;
      }
      raw->deadline = raw->last_activity + options_.idle_timeout;
      connections_.emplace(fd, std::move(connection));
      ++connection_count_;
    }
    if (!epoll_arm(epoll_fd_, EPOLL_CTL_ADD, fd, EPOLLIN | EPOLLONESHOT, raw)) close_connection(*raw);
  }
  if (!stopping_) epoll_arm(epoll_fd_, EPOLL_CTL_MOD, listen_fd_, EPOLLIN | EPOLLONESHOT, &listen_fd_);
}

// At the connection limit a new connection is worth more than the longest-idle keep-alive
// one (nginx reuses idle connections the same way). Called with connections_mutex_ held.
bool HttpListener::shed_idle_connection() {
  Connection* oldest = nullptr;
  for (auto& [fd, connection] : connections_) {
    std::unique_lock busy(connection->mutex, std::try_to_lock);
    if (!busy.owns_lock() || connection->phase != Connection::Phase::kReading || connection->framer.started() ||
        connection->deadline == Clock::time_point::max()) {
      continue;
    }
    if (oldest == nullptr || connection->last_activity < oldest->last_activity) oldest = connection.get();
  }
  if (oldest == nullptr) return false;
  std::unique_lock busy(oldest->mutex, std::try_to_lock);
  if (!busy.owns_lock()) return false;
  oldest->deadline = Clock::time_point::max();
  ::shutdown(oldest->fd, SHUT_RDWR);
  return true;
}

}  // namespace gateway::http
