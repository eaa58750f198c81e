#include "support/smtp_sink.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <stdexcept>

namespace test_support {
namespace {

void send_all(int fd, const std::string& text) {
  std::size_t sent = 0;
  while (sent < text.size()) {
    ssize_t n = ::send(fd, text.data() + sent, text.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return;  // the client went away; its test will say so
    sent += static_cast<std::size_t>(n);
  }
}

std::string upper(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::toupper(c); });
  return text;
}

// "MAIL FROM:<a@b> SIZE=12" -> "a@b"
std::string angle_address(const std::string& line) {
  auto open = line.find('<');
  auto close = line.find('>', open);
  if (open == std::string::npos || close == std::string::npos) return {};
  return line.substr(open + 1, close - open - 1);
}

}  // namespace

SmtpSink::SmtpSink() {
  listen_fd_ = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  int pipe_fds[2];
  if (listen_fd_ < 0 || bind(listen_fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      listen(listen_fd_, 16) != 0 || getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&address), &length) != 0 ||
      pipe(pipe_fds) != 0) {
    if (listen_fd_ >= 0) close(listen_fd_);
    throw std::runtime_error("SMTP sink cannot listen");
  }
  port_ = ntohs(address.sin_port);
  wake_read_ = pipe_fds[0];
  wake_write_ = pipe_fds[1];
  // Listening already: a client may connect as soon as the constructor returns.
  thread_ = std::thread([this] { run(); });
}

SmtpSink::~SmtpSink() {
  while (write(wake_write_, "x", 1) < 0 && errno == EINTR) {
  }
  thread_.join();
  close(listen_fd_);
  close(wake_read_);
  close(wake_write_);
}

std::vector<ReceivedMail> SmtpSink::mails() const {
  std::lock_guard lock(mutex_);
  return mails_;
}

int SmtpSink::connections() const {
  std::lock_guard lock(mutex_);
  return connections_;
}

void SmtpSink::reject_recipients(bool reject) {
  std::lock_guard lock(mutex_);
  reject_recipients_ = reject;
}

void SmtpSink::run() {
  while (true) {
    pollfd fds[] = {{listen_fd_, POLLIN, 0}, {wake_read_, POLLIN, 0}};
    if (poll(fds, 2, -1) < 0) continue;  // EINTR
    if (fds[1].revents != 0) return;
    int client = accept(listen_fd_, nullptr, nullptr);
    if (client < 0) continue;
    {
      std::lock_guard lock(mutex_);
      ++connections_;
    }
    serve(client);
    close(client);
  }
}

bool SmtpSink::read_line(int client, std::string& buffer, std::string& line) {
  while (true) {
    auto end = buffer.find("\r\n");
    if (end != std::string::npos) {
      line = buffer.substr(0, end);
      buffer.erase(0, end + 2);
      return true;
    }
    pollfd fds[] = {{client, POLLIN, 0}, {wake_read_, POLLIN, 0}};
    if (poll(fds, 2, -1) < 0) continue;
    if (fds[1].revents != 0) return false;
    char chunk[4096];
    ssize_t n = recv(client, chunk, sizeof chunk, 0);
    if (n <= 0) return false;
    buffer.append(chunk, static_cast<std::size_t>(n));
  }
}

void SmtpSink::serve(int client) {
  send_all(client, "220 sink ESMTP\r\n");
  std::string buffer, line;
  ReceivedMail mail;
  while (read_line(client, buffer, line)) {
    std::string verb = upper(line.substr(0, line.find(' ')));
    if (verb == "EHLO") {
      send_all(client, "250-sink\r\n250 8BITMIME\r\n");
    } else if (verb == "HELO" || verb == "NOOP") {
      send_all(client, "250 ok\r\n");
    } else if (verb == "RSET") {
      mail = {};
      send_all(client, "250 ok\r\n");
    } else if (verb == "MAIL") {
      mail = {};
      mail.mail_from = angle_address(line);
      send_all(client, "250 ok\r\n");
    } else if (verb == "RCPT") {
      bool reject = false;
      {
        std::lock_guard lock(mutex_);
        reject = reject_recipients_;
      }
      if (reject) {
        send_all(client, "550 no such mailbox\r\n");
        continue;
      }
      mail.recipients.push_back(angle_address(line));
      send_all(client, "250 ok\r\n");
    } else if (verb == "DATA") {
      send_all(client, "354 end with <CRLF>.<CRLF>\r\n");
      while (true) {
        if (!read_line(client, buffer, line)) return;
        if (line == ".") break;
        mail.raw_data += line + "\r\n";
        // RFC 5321 4.5.2: a leading dot was doubled by the client.
        mail.data += (line.starts_with('.') ? line.substr(1) : line) + "\r\n";
      }
      {
        std::lock_guard lock(mutex_);
        mails_.push_back(std::move(mail));
      }
      mail = {};
      send_all(client, "250 queued\r\n");
    } else if (verb == "QUIT") {
      send_all(client, "221 bye\r\n");
      return;
    } else {
      send_all(client, "502 not implemented\r\n");
    }
  }
}

}  // namespace test_support
