#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

// A TCP client that sends exactly the bytes a test writes, for what httplib::Client will not do:
// conflicting framing headers, pipelined requests, half-sent heads, connections left idle.
namespace attack {

struct RawResponse {
  int status = 0;
  std::multimap<std::string, std::string> headers;  // names lower-cased
  std::string body;

  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
  }
};

class RawConnection {
 public:
  explicit RawConnection(int port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd_ < 0) throw std::runtime_error("socket");
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(port));
    ::inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
      ::close(fd_);
      throw std::runtime_error(std::string("connect: ") + std::strerror(errno));
    }
  }
  ~RawConnection() { ::close(fd_); }
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  bool send(const std::string& bytes) {
    std::size_t sent = 0;
    while (sent < bytes.size()) {
      ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return false;
      sent += static_cast<std::size_t>(n);
    }
    return true;
  }

  // Reads until `count` whole responses arrived, the server closed, or `timeout` passed.
  std::vector<RawResponse> read_responses(std::size_t count, std::chrono::milliseconds timeout) {
    std::vector<RawResponse> responses;
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (true) {
      while (responses.size() < count) {
        RawResponse response;
        if (!take_response(response)) break;
        responses.push_back(std::move(response));
      }
      if (responses.size() >= count || closed_ || !receive(deadline)) return responses;
    }
  }

  // Whether the server ends the connection within `timeout` (bytes before the end are dropped).
  bool closed_within(std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!closed_) {
      if (!receive(deadline)) return closed_;
    }
    return true;
  }

 private:
  // One poll + recv; false when the deadline passed or the connection ended.
  bool receive(std::chrono::steady_clock::time_point deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd waiting{fd_, POLLIN, 0};
    if (::poll(&waiting, 1, static_cast<int>(left.count())) <= 0) return false;
    char buffer[65536];
    ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
    if (n <= 0) {
      closed_ = true;
      return false;
    }
    buffer_.append(buffer, static_cast<std::size_t>(n));
    return true;
  }

  bool take_response(RawResponse& response) {
    auto head_end = buffer_.find("\r\n\r\n");
    if (head_end == std::string::npos) return false;
    std::string head = buffer_.substr(0, head_end);
    response.status = std::atoi(head.substr(9, 3).c_str());
    std::size_t pos = head.find("\r\n");
    while (pos != std::string::npos && pos < head.size()) {
      auto next = head.find("\r\n", pos + 2);
      std::string line = head.substr(pos + 2, next == std::string::npos ? std::string::npos : next - pos - 2);
      auto colon = line.find(':');
      if (colon != std::string::npos) {
        std::string name = line.substr(0, colon);
        for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        std::string value = line.substr(colon + 1);
        value.erase(0, value.find_first_not_of(' '));
        response.headers.emplace(name, value);
      }
      pos = next;
    }
    std::size_t length = response.headers.count("content-length") ? std::stoul(response.header("content-length")) : 0;
    if (buffer_.size() < head_end + 4 + length) return false;
    response.body = buffer_.substr(head_end + 4, length);
    buffer_.erase(0, head_end + 4 + length);
    return true;
  }

  int fd_ = -1;
  std::string buffer_;
  bool closed_ = false;
};

}  // namespace attack
