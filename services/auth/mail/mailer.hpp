#pragma once

#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>

// Outgoing mail (email verification), sent synchronously by the caller's thread.
namespace auth {

struct Mail {
  std::string to;       // "user@example.com" or "Name <user@example.com>"
  std::string subject;  // UTF-8
  std::string body;     // UTF-8 plain text, LF or CRLF line endings
};

// A mail that was not accepted; the caller may retry it later.
class MailError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Mailer {
 public:
  virtual ~Mailer();
  // Throws MailError when the mail cannot be sent (or is malformed: a header with CR or LF).
  virtual void send(const Mail& mail) = 0;
};

// Writes each mail to the JSON log instead of sending it, like Django's console email backend.
class LogMailer final : public Mailer {
 public:
  void send(const Mail& mail) override;
};

struct SmtpSettings {
  std::string url;                           // smtp://host:port or smtps://host:port; empty: log mails instead
  std::string username, password;            // no authentication when username is empty
  std::string from;                          // "noreply@example.com" or "Site <noreply@example.com>"
  bool require_tls = false;                  // smtp:// only: STARTTLS, and fail when the server lacks it
  std::chrono::milliseconds timeout{10000};  // for the whole exchange, connecting included
};

// Sends through an SMTP server with libcurl; a connection per mail, so it is thread-safe.
class SmtpMailer final : public Mailer {
 public:
  // Throws std::invalid_argument for a URL that is not smtp:// or smtps://, or a bad `from`.
  explicit SmtpMailer(SmtpSettings settings);
  void send(const Mail& mail) override;

 private:
  SmtpSettings settings_;
};

// The RFC 5322 message SmtpMailer uploads: CRLF line endings, a UTF-8 subject as RFC 2047
// encoded-words, not dot-stuffed (libcurl does that while sending). Throws MailError for a
// header value with CR or LF, which would let it add headers of its own.
std::string format_message(const Mail& mail, const std::string& from, std::chrono::system_clock::time_point date);

// LogMailer when settings.url is empty, SmtpMailer otherwise.
std::unique_ptr<Mailer> make_mailer(const SmtpSettings& settings);

}  // namespace auth
