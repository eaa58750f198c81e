// How many idle and slow connections the gateway holds while real requests stay fast: opens
// IDLE connections that send nothing and SLOW ones that send half a head (slowloris), then
// times REQUESTS sequential keep-alive requests on a connection of its own and prints one JSON
// line: latency percentiles, failures, and how many held connections the gateway kept open.
//
//   idle_capacity PORT PATH TOKEN IDLE SLOW REQUESTS
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

int connect_to(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  ::inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    ::close(fd);
    return -1;
  }
  int on = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
  return fd;
}

// One request on `fd` and its whole answer (Content-Length framed); false on error or timeout.
bool request(int fd, const std::string& bytes, int timeout_ms) {
  if (::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(bytes.size())) return false;
  std::string in;
  char buffer[65536];
  auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  while (true) {
    auto head_end = in.find("\r\n\r\n");
    if (head_end != std::string::npos) {
      auto at = in.find("Content-Length: ");
      std::size_t length = at == std::string::npos ? 0 : std::strtoul(in.c_str() + at + 16, nullptr, 10);
      if (in.size() >= head_end + 4 + length) return in.compare(9, 1, "2") == 0;
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    pollfd waiting{fd, POLLIN, 0};
    if (left <= 0 || ::poll(&waiting, 1, static_cast<int>(left)) <= 0) return false;
    ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) return false;
    in.append(buffer, static_cast<std::size_t>(n));
  }
}

// Held connections the server has not closed.
int still_open(const std::vector<int>& fds) {
  int open = 0;
  for (int fd : fds) {
    pollfd waiting{fd, POLLIN, 0};
    char byte;
    if (::poll(&waiting, 1, 0) == 0 || ::recv(fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT) > 0) ++open;
  }
  return open;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 7) {
    std::fprintf(stderr, "usage: %s PORT PATH TOKEN IDLE SLOW REQUESTS\n", argv[0]);
    return 2;
  }
  int port = std::atoi(argv[1]);
  std::string path = argv[2];
  std::string token = argv[3];
  int idle = std::atoi(argv[4]);
  int slow = std::atoi(argv[5]);
  int requests = std::atoi(argv[6]);

  rlimit files{};
  ::getrlimit(RLIMIT_NOFILE, &files);
  files.rlim_cur = files.rlim_max;
  ::setrlimit(RLIMIT_NOFILE, &files);

  std::vector<int> held;
  for (int i = 0; i < idle + slow; ++i) {
    int fd = connect_to(port);
    if (fd < 0) {
      std::fprintf(stderr, "connection %d failed: %s\n", i, std::strerror(errno));
      return 1;
    }
    if (i >= idle) ::send(fd, "GET /healthz HTTP/1.1\r\nHost: bench\r\nX-Slow: ", 44, MSG_NOSIGNAL);
    held.push_back(fd);
  }

  std::string bytes = "GET " + path + " HTTP/1.1\r\nHost: bench\r\n" +
                      (token.empty() ? std::string() : "Authorization: Bearer " + token + "\r\n") + "\r\n";
  int fd = connect_to(port);
  std::vector<double> latencies;
  int failed = 0;
  for (int i = 0; i < requests + 100; ++i) {
    auto start = Clock::now();
    bool ok = fd >= 0 && request(fd, bytes, 5000);
    double ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
    if (!ok) {
      ++failed;
      if (fd >= 0) ::close(fd);
      fd = connect_to(port);
    }
    if (i >= 100) latencies.push_back(ms);  // the first 100 warm up
    // The slow ones keep trickling, as slowloris does, so only the header deadline ends them.
    if (i % 500 == 0) {
      for (std::size_t s = static_cast<std::size_t>(idle); s < held.size(); ++s) {
        ::send(held[s], "a", 1, MSG_NOSIGNAL);
      }
    }
  }
  std::sort(latencies.begin(), latencies.end());
  auto at = [&](double q) {
    return latencies[std::min(latencies.size() - 1, static_cast<std::size_t>(q * latencies.size()))];
  };
  std::vector<int> idle_fds(held.begin(), held.begin() + idle);
  std::printf(
      "{\"idle\":%d,\"slow\":%d,\"requests\":%d,\"failed\":%d,\"p50_ms\":%.3f,\"p99_ms\":%.3f,\"max_ms\":%.3f,"
      "\"idle_still_open\":%d}\n",
      idle, slow, requests, failed, at(0.5), at(0.99), latencies.back(), still_open(idle_fds));
  for (int held_fd : held) ::close(held_fd);
  if (fd >= 0) ::close(fd);
  return failed == 0 ? 0 : 1;
}
