#pragma once

#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace test_support {

struct ReceivedMail {
  std::string mail_from;                // MAIL FROM's address, without the angle brackets
  std::vector<std::string> recipients;  // RCPT TO's addresses, likewise
  std::string data;                     // the message as delivered: dot-stuffing undone, CRLF line endings
  std::string raw_data;                 // the lines between DATA and the final ".", as they came over the wire
};

// Just enough of an SMTP server on 127.0.0.1 to receive what a client sends: EHLO/HELO, MAIL,
// RCPT, DATA, RSET, NOOP, QUIT; no TLS, no AUTH. One thread, one connection at a time.
class SmtpSink final {
 public:
  SmtpSink();
  ~SmtpSink();
  SmtpSink(const SmtpSink&) = delete;
  SmtpSink& operator=(const SmtpSink&) = delete;

  int port() const { return port_; }
  std::string url() const { return "smtp://127.0.0.1:" + std::to_string(port_); }

  // Thread-safe: the sink records a mail before it answers the final "." with 250.
  std::vector<ReceivedMail> mails() const;
  int connections() const;
  // From now on, answer RCPT TO with 550 (a mailbox the server does not know).
  void reject_recipients(bool reject);

 private:
  void run();
  void serve(int client);
  // The next CRLF-terminated line without its CRLF; false when the client or the sink stops.
  bool read_line(int client, std::string& buffer, std::string& line);

  int listen_fd_ = -1;
  int wake_read_ = -1;  // a pipe: the destructor writes to stop the thread's poll()
  int wake_write_ = -1;
  int port_ = 0;
  mutable std::mutex mutex_;
  std::vector<ReceivedMail> mails_;
  int connections_ = 0;
  bool reject_recipients_ = false;
  std::thread thread_;
};

}  // namespace test_support
