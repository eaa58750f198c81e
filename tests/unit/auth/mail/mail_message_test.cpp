#include "auth/mail/mailer.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <algorithm>
#include <regex>
#include <string>
#include <vector>

namespace {

const auto kDate = std::chrono::sys_days(std::chrono::year{2024} / 1 / 2) + std::chrono::hours(3) +
                   std::chrono::minutes(4) + std::chrono::seconds(5);

std::string header_block(const std::string& message) { return message.substr(0, message.find("\r\n\r\n") + 2); }

// The Subject header's value, continuation lines included (with their CRLF and leading space).
std::string subject_of(const std::string& message) {
  auto start = message.find("\r\nSubject: ") + 11;
  auto end = message.find("\r\nMessage-ID: ");
  return message.substr(start, end - start);
}

std::string base64_decode(const std::string& encoded) {
  std::vector<unsigned char> out(encoded.size());
  int n = EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(encoded.data()),
                          static_cast<int>(encoded.size()));
  auto padding = std::count(encoded.end() - std::min<std::ptrdiff_t>(2, static_cast<std::ptrdiff_t>(encoded.size())),
                            encoded.end(), '=');
  return std::string(reinterpret_cast<const char*>(out.data()), static_cast<std::size_t>(n - padding));
}

bool is_valid_utf8(const std::string& text) {
  for (std::size_t i = 0; i < text.size();) {
    auto lead = static_cast<unsigned char>(text[i]);
    std::size_t length = lead < 0x80           ? 1
                         : (lead >> 5) == 0x6  ? 2
                         : (lead >> 4) == 0xE  ? 3
                         : (lead >> 3) == 0x1E ? 4
                                               : 0;
    if (length == 0 || i + length > text.size()) return false;
    for (std::size_t k = 1; k < length; ++k) {
      if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80) return false;
    }
    i += length;
  }
  return true;
}

TEST(MailMessage, HasTheHeadersInOrderWithCrlf) {
  std::string message =
      auth::format_message({"alice@example.org", "Verify your email", "Hi"}, "Example <noreply@example.com>", kDate);
  std::string headers = header_block(message);
  EXPECT_TRUE(std::regex_match(headers, std::regex("Date: Tue, 02 Jan 2024 03:04:05 \\+0000\r\n"
                                                   "From: Example <noreply@example.com>\r\n"
                                                   "To: alice@example.org\r\n"
                                                   "Subject: Verify your email\r\n"
                                                   "Message-ID: <[0-9a-f]{32}@example\\.com>\r\n"
                                                   "MIME-Version: 1\\.0\r\n"
                                                   "Content-Type: text/plain; charset=utf-8\r\n"
                                                   "Content-Transfer-Encoding: 8bit\r\n")))
      << headers;
}

TEST(MailMessage, MessageIdsAreUnique) {
  auto a = auth::format_message({"a@example.org", "s", "b"}, "noreply@example.com", kDate);
  auto b = auth::format_message({"a@example.org", "s", "b"}, "noreply@example.com", kDate);
  EXPECT_NE(a, b);
}

TEST(MailMessage, BodyLineEndingsBecomeCrlfAndTheBodyEndsWithOne) {
  auto body_of = [](const std::string& body) {
    auto message = auth::format_message({"a@example.org", "s", body}, "noreply@example.com", kDate);
    return message.substr(message.find("\r\n\r\n") + 4);
  };
  EXPECT_EQ(body_of("one\ntwo\r\nthree\rfour"), "one\r\ntwo\r\nthree\r\nfour\r\n");
  EXPECT_EQ(body_of("ends\n"), "ends\r\n");
  EXPECT_EQ(body_of("ends\r\n"), "ends\r\n");
  EXPECT_EQ(body_of(""), "\r\n");
  // Left for libcurl to stuff while sending.
  EXPECT_EQ(body_of(".\n.dot"), ".\r\n.dot\r\n");
}

TEST(MailMessage, NonAsciiSubjectIsEncodedInWordsThatSplitNoCharacter) {
  std::string subject;
  for (int i = 0; i < 30; ++i) subject += "é✉𝄞a";  // 2-, 3-, 4- and 1-byte characters
  auto value = subject_of(auth::format_message({"a@example.org", subject, "b"}, "noreply@example.com", kDate));
  static const std::regex kWord(R"(=\?UTF-8\?B\?([A-Za-z0-9+/=]+)\?=)");
  std::string decoded;
  int words = 0;
  std::size_t line_start = 0;
  for (std::sregex_iterator it(value.begin(), value.end(), kWord), end; it != end; ++it, ++words) {
    EXPECT_LE((*it).length(), 75) << "RFC 2047 limits an encoded-word to 75 characters";
    std::string part = base64_decode((*it)[1]);
    EXPECT_TRUE(is_valid_utf8(part)) << "word " << words << " splits a character";
    decoded += part;
  }
  EXPECT_GT(words, 1);
  EXPECT_EQ(decoded, subject);
  // Folded: one word per line, continuation lines start with a space.
  while (line_start < value.size()) {
    auto end = value.find("\r\n", line_start);
    std::string line = value.substr(line_start, end == std::string::npos ? end : end - line_start);
    EXPECT_LE(line.size() + (line_start == 0 ? 9 : 0), 78u) << line;
    if (line_start > 0) {
      EXPECT_EQ(line[0], ' ');
    }
    line_start = end == std::string::npos ? value.size() : end + 2;
  }
}

TEST(MailMessage, AsciiSubjectIsLeftReadable) {
  auto value = subject_of(
      auth::format_message({"a@example.org", "Confirm: your account (step 1/2)", "b"}, "noreply@example.com", kDate));
  EXPECT_EQ(value, "Confirm: your account (step 1/2)");
}

TEST(MailMessage, RefusesLineBreaksInHeaders) {
  const std::string from = "noreply@example.com";
  EXPECT_THROW(auth::format_message({"a@example.org", "Hi\r\nBcc: x@example.net", "b"}, from, kDate), auth::MailError);
  EXPECT_THROW(auth::format_message({"a@example.org", "Hi\nBcc: x@example.net", "b"}, from, kDate), auth::MailError);
  EXPECT_THROW(auth::format_message({"a@example.org\r\nBcc: x@example.net", "Hi", "b"}, from, kDate), auth::MailError);
  EXPECT_THROW(auth::format_message({"a@example.org", "Hi", "b"}, from + "\nBcc: x@example.net", kDate),
               auth::MailError);
  // The body may have line breaks, of course.
  EXPECT_NO_THROW(auth::format_message({"a@example.org", "Hi", "one\r\nBcc: two"}, from, kDate));
}

}  // namespace
