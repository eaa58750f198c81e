#include "support/pg_fault_proxy.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <stdexcept>
#include <system_error>

namespace test_support {
namespace {

std::uint32_t big_endian_u32(const std::string& bytes, std::size_t at) {
  return (static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at])) << 24) |
         (static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at + 1])) << 16) |
         (static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at + 2])) << 8) |
         static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at + 3]));
}

bool send_all(int fd, const char* data, std::size_t size) {
  while (size > 0) {
    ssize_t sent = send(fd, data, size, MSG_NOSIGNAL);
    if (sent < 0 && errno == EINTR) continue;
    if (sent <= 0) return false;
    data += sent;
    size -= static_cast<std::size_t>(sent);
  }
  return true;
}

int connect_loopback(int port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

// Codes of the untyped requests a client may send before its startup message.
constexpr std::uint32_t kSslRequest = 80877103;
constexpr std::uint32_t kGssEncRequest = 80877104;

}  // namespace

PgFaultProxy::PgFaultProxy(int upstream_port) : upstream_port_(upstream_port) {
  listener_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  stop_fd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (listener_ < 0 || stop_fd_ < 0) throw std::system_error(errno, std::generic_category(), "proxy socket");
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  if (bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 || listen(listener_, 64) != 0 ||
      getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    throw std::system_error(errno, std::generic_category(), "proxy listen");
  }
  port_ = ntohs(address.sin_port);
  acceptor_ = std::thread([this] { accept_loop(); });
}

PgFaultProxy::~PgFaultProxy() {
  const std::uint64_t one = 1;
  [[maybe_unused]] auto written = write(stop_fd_, &one, sizeof one);
  acceptor_.join();
  {
    std::lock_guard lock(threads_mutex_);
    for (auto& relay : relays_) relay.join();
  }
  close(listener_);
  close(stop_fd_);
}

void PgFaultProxy::arm(std::size_t nth, bool forward_last) {
  forward_last_ = forward_last;
  cut_ = false;
  round_trips_ = 0;
  cut_at_ = nth;
}

std::string PgFaultProxy::redirect(const std::string& url) const {
  auto slash = url.rfind('/');
  auto colon = url.rfind(':', slash);
  // No TLS between the service and the proxy: the proxy reads the protocol.
  return url.substr(0, colon + 1) + std::to_string(port_) + url.substr(slash) +
         (url.find('?') == std::string::npos ? "?" : "&") + "sslmode=disable";
}

int PgFaultProxy::port_of(const std::string& url) {
  auto slash = url.rfind('/');
  auto colon = url.rfind(':', slash);
  return std::stoi(url.substr(colon + 1, slash - colon - 1));
}

void PgFaultProxy::accept_loop() {
  while (true) {
    pollfd fds[2] = {{listener_, POLLIN, 0}, {stop_fd_, POLLIN, 0}};
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return;
    }
    if (fds[1].revents != 0) return;
    int client = accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
    if (client < 0) continue;
    int server = connect_loopback(upstream_port_);
    if (server < 0) {
      close(client);
      continue;
    }
    std::lock_guard lock(threads_mutex_);
    relays_.emplace_back([this, client, server] { relay(client, server); });
  }
}

std::size_t PgFaultProxy::scan_client(std::string& pending, bool& startup_done, bool& close_after) {
  std::size_t at = 0;
  while (true) {
    if (!startup_done) {
      if (pending.size() - at < 8) return at;
      std::uint32_t length = big_endian_u32(pending, at);
      std::uint32_t code = big_endian_u32(pending, at + 4);
      if (pending.size() - at < length) return at;
      if (code != kSslRequest && code != kGssEncRequest) startup_done = true;
      at += length;
      continue;
    }
    if (pending.size() - at < 5) return at;
    std::size_t total = 1 + big_endian_u32(pending, at + 1);
    if (pending.size() - at < total) return at;
    char type = pending[at];
    if (type == 'Q' || type == 'S') {
      std::size_t count = ++round_trips_;
      std::size_t armed = cut_at_.load();
      if (armed != 0 && count == armed) {
        cut_at_ = 0;
        cut_ = true;
        close_after = true;
        return forward_last_ ? at + total : at;
      }
    }
    at += total;
  }
}

void PgFaultProxy::relay(int client, int server) {
  std::string pending;
  bool startup_done = false;
  char buffer[16384];
  while (true) {
    pollfd fds[3] = {{client, POLLIN, 0}, {server, POLLIN, 0}, {stop_fd_, POLLIN, 0}};
    // While stalled, wake now and then to see whether it is over.
    if (poll(fds, 3, stalled_ || !pending.empty() ? 20 : -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (fds[2].revents != 0) break;
    if (fds[1].revents != 0) {
      ssize_t got = recv(server, buffer, sizeof buffer, 0);
      if (got <= 0 || !send_all(client, buffer, static_cast<std::size_t>(got))) break;
    }
    if (fds[0].revents != 0) {
      ssize_t got = recv(client, buffer, sizeof buffer, 0);
      if (got <= 0) break;
      pending.append(buffer, static_cast<std::size_t>(got));
      received_ += static_cast<std::size_t>(got);
    }
    if (!stalled_ && !pending.empty()) {
      bool close_after = false;
      std::size_t forward = scan_client(pending, startup_done, close_after);
      if (!send_all(server, pending.data(), forward)) break;
      pending.erase(0, forward);
      if (close_after) break;
    }
  }
  close(client);
  close(server);
}

}  // namespace test_support
