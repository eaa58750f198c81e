// SmtpMailer against a real SMTP conversation (tests/support/smtp_sink), and the log fallback.
#include "auth/mail/mailer.hpp"
#include "support/smtp_sink.hpp"
#include "support/test_support.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <map>
#include <regex>
#include <thread>
#include <vector>

namespace {

using namespace std::chrono_literals;

auth::SmtpSettings sink_settings(const test_support::SmtpSink& sink) {
  auth::SmtpSettings settings;
  settings.url = sink.url();
  settings.from = "Example <noreply@example.com>";
  settings.timeout = 5s;
  return settings;
}

// Header name -> value with folded continuation lines joined (their CRLF dropped).
std::map<std::string, std::string> headers_of(const std::string& message) {
  std::map<std::string, std::string> headers;
  std::string last;
  std::size_t start = 0;
  while (true) {
    auto end = message.find("\r\n", start);
    std::string line = message.substr(start, end - start);
    start = end + 2;
    if (end == std::string::npos || line.empty()) break;
    if (line[0] == ' ' || line[0] == '\t') {
      headers[last] += line;
    } else {
      last = line.substr(0, line.find(':'));
      headers[last] = line.substr(line.find(':') + 2);
    }
  }
  return headers;
}

std::string body_of(const std::string& message) {
  auto blank = message.find("\r\n\r\n");
  return blank == std::string::npos ? std::string() : message.substr(blank + 4);
}

// Decodes adjacent RFC 2047 B-encoded UTF-8 words (whitespace between them is dropped).
std::string decode_words(const std::string& value) {
  static const std::regex kWord(R"(=\?UTF-8\?B\?([A-Za-z0-9+/=]+)\?=)");
  std::string decoded;
  for (std::sregex_iterator it(value.begin(), value.end(), kWord), end; it != end; ++it) {
    std::string encoded = (*it)[1];
    std::vector<unsigned char> out(encoded.size());
    int n = EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(encoded.data()),
                            static_cast<int>(encoded.size()));
    auto padding = static_cast<int>(std::count(encoded.end() - 2, encoded.end(), '='));
    decoded.append(reinterpret_cast<const char*>(out.data()), static_cast<std::size_t>(n - padding));
  }
  return decoded;
}

TEST(SmtpMailer, DeliversAWellFormedMessage) {
  test_support::SmtpSink sink;
  auth::SmtpMailer mailer(sink_settings(sink));
  const std::string subject = "Vérifiez votre adresse ✉";
  mailer.send({"Alice <alice@example.org>", subject,
               "Hello Alice,\n\n.starts with a dot\n..two dots\n.\nhttps://example.com/verify?t=abc\nend"});

  auto mails = sink.mails();
  ASSERT_EQ(mails.size(), 1u);
  const auto& mail = mails[0];
  EXPECT_EQ(mail.mail_from, "noreply@example.com");
  EXPECT_EQ(mail.recipients, std::vector<std::string>{"alice@example.org"});

  auto headers = headers_of(mail.data);
  EXPECT_TRUE(std::regex_match(headers["Date"],
                               std::regex(R"([A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} \+0000)")))
      << headers["Date"];
  EXPECT_EQ(headers["From"], "Example <noreply@example.com>");
  EXPECT_EQ(headers["To"], "Alice <alice@example.org>");
  EXPECT_TRUE(headers["Subject"].starts_with("=?UTF-8?B?")) << headers["Subject"];
  EXPECT_EQ(decode_words(headers["Subject"]), subject);
  EXPECT_TRUE(std::regex_match(headers["Message-ID"], std::regex(R"(<[0-9a-f]{32}@example\.com>)")))
      << headers["Message-ID"];
  EXPECT_EQ(headers["MIME-Version"], "1.0");
  EXPECT_EQ(headers["Content-Type"], "text/plain; charset=utf-8");
  EXPECT_EQ(headers["Content-Transfer-Encoding"], "8bit");

  EXPECT_EQ(body_of(mail.data),
            "Hello Alice,\r\n\r\n.starts with a dot\r\n..two dots\r\n.\r\nhttps://example.com/verify?t=abc\r\nend\r\n");
  // libcurl stuffed each leading dot once; we did not stuff them before it.
  EXPECT_NE(mail.raw_data.find("\r\n..starts with a dot\r\n"), std::string::npos);
  EXPECT_NE(mail.raw_data.find("\r\n...two dots\r\n"), std::string::npos);
  EXPECT_NE(mail.raw_data.find("\r\n..\r\n"), std::string::npos);
  EXPECT_EQ(mail.raw_data.find("\r\n...starts"), std::string::npos);
}

TEST(SmtpMailer, SeveralThreadsSendAtOnce) {
  test_support::SmtpSink sink;
  auth::SmtpMailer mailer(sink_settings(sink));
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&mailer, t] {
      for (int i = 0; i < 3; ++i) {
        auto to = "user" + std::to_string(t * 10 + i) + "@example.org";
        EXPECT_NO_THROW(mailer.send({to, "Verify", "Hello"}));
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(sink.mails().size(), 12u);
}

TEST(SmtpMailer, RefusesHeaderInjectionBeforeConnecting) {
  test_support::SmtpSink sink;
  auth::SmtpMailer mailer(sink_settings(sink));
  EXPECT_THROW(mailer.send({"alice@example.org", "Hi\r\nBcc: victim@example.net", "x"}), auth::MailError);
  EXPECT_THROW(mailer.send({"alice@example.org\nBcc: victim@example.net", "Hi", "x"}), auth::MailError);
  EXPECT_THROW(mailer.send({"alice@example.org", "Hi\rX-Evil: 1", "x"}), auth::MailError);
  auto from = sink_settings(sink);
  from.from = "noreply@example.com\r\nBcc: victim@example.net";
  EXPECT_THROW(auth::SmtpMailer{from}, std::invalid_argument);
  EXPECT_EQ(sink.connections(), 0);
  EXPECT_TRUE(sink.mails().empty());
}

TEST(SmtpMailer, RecipientRefusedByTheServerIsAMailError) {
  test_support::SmtpSink sink;
  sink.reject_recipients(true);
  auth::SmtpMailer mailer(sink_settings(sink));
  EXPECT_THROW(mailer.send({"nobody@example.org", "Hi", "x"}), auth::MailError);
  EXPECT_TRUE(sink.mails().empty());
}

TEST(SmtpMailer, RequiredTlsFailsAgainstAServerWithoutStartTls) {
  test_support::SmtpSink sink;
  auto settings = sink_settings(sink);
  settings.require_tls = true;
  auth::SmtpMailer mailer(settings);
  EXPECT_THROW(mailer.send({"alice@example.org", "Hi", "secret link"}), auth::MailError);
  EXPECT_EQ(sink.connections(), 1);
  EXPECT_TRUE(sink.mails().empty());
}

TEST(SmtpMailer, UnreachableServerIsAMailErrorWithinTheTimeout) {
  auth::SmtpSettings settings;
  settings.url = "smtp://127.0.0.1:" + std::to_string(test_support::free_port());  // nothing listens
  settings.from = "noreply@example.com";
  settings.timeout = 500ms;
  auth::SmtpMailer mailer(settings);
  auto start = std::chrono::steady_clock::now();
  EXPECT_THROW(mailer.send({"alice@example.org", "Hi", "x"}), auth::MailError);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 500ms + 1s);
}

TEST(SmtpMailer, SilentServerIsAMailErrorAfterTheTimeout) {
  // Listens (the kernel completes the handshake) but never greets.
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  ASSERT_EQ(listen(fd, 4), 0);
  ASSERT_EQ(getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length), 0);

  auth::SmtpSettings settings;
  settings.url = "smtp://127.0.0.1:" + std::to_string(ntohs(address.sin_port));
  settings.from = "noreply@example.com";
  settings.timeout = 300ms;
  auth::SmtpMailer mailer(settings);
  auto start = std::chrono::steady_clock::now();
  EXPECT_THROW(mailer.send({"alice@example.org", "Hi", "x"}), auth::MailError);
  auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_GE(elapsed, 250ms);
  EXPECT_LT(elapsed, 300ms + 1s);
  close(fd);
}

TEST(SmtpMailer, RefusesUrlsThatAreNotSmtp) {
  auth::SmtpSettings settings;
  settings.from = "noreply@example.com";
  settings.url = "http://127.0.0.1:25";
  EXPECT_THROW(auth::SmtpMailer{settings}, std::invalid_argument);
  settings.url = "127.0.0.1:25";
  EXPECT_THROW(auth::SmtpMailer{settings}, std::invalid_argument);
  settings.url = "smtps://mail.example.com:465";
  EXPECT_NO_THROW(auth::SmtpMailer{settings});
  settings.from = "";
  EXPECT_THROW(auth::SmtpMailer{settings}, std::invalid_argument);
}

TEST(LogMailer, WritesInsteadOfSending) {
  auth::LogMailer mailer;
  EXPECT_NO_THROW(mailer.send({"alice@example.org", "Vérifiez", "line one\nline two"}));
}

TEST(MakeMailer, LogsWithoutAServerUrlAndSendsWithOne) {
  auto logging = auth::make_mailer({});
  EXPECT_NE(dynamic_cast<auth::LogMailer*>(logging.get()), nullptr);
  test_support::SmtpSink sink;
  auto sending = auth::make_mailer(sink_settings(sink));
  ASSERT_NE(dynamic_cast<auth::SmtpMailer*>(sending.get()), nullptr);
  sending->send({"alice@example.org", "Hi", "x"});
  EXPECT_TRUE(test_support::wait_until(2s, [&] { return sink.mails().size() == 1; }));
}

}  // namespace
