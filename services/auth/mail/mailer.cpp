#include "auth/mail/mailer.hpp"

#include "common/core/log.hpp"
#include "common/core/text.hpp"

#include <curl/curl.h>
#include <openssl/evp.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <mutex>
#include <string_view>
#include <utility>
#include <vector>

namespace auth {
namespace {

// RFC 5322 allows 998 octets per line; "Subject: " takes 9 of them.
constexpr std::size_t kMaxPlainSubject = 998 - 9;
// 42 bytes are 56 base64 characters: "Subject: " plus one encoded-word stays within 78.
constexpr std::size_t kEncodedWordBytes = 42;

void require_single_line(std::string_view value, const char* header) {
  if (value.find_first_of("\r\n") != std::string_view::npos || value.find('\0') != std::string_view::npos) {
    throw MailError(std::string("mail header ") + header + " contains a line break");
  }
}

// The address alone, for the SMTP envelope: "Name <a@b>" -> "a@b".
std::string envelope_address(std::string_view text) {
  auto open = text.rfind('<');
  if (open != std::string_view::npos) {
    auto close = text.find('>', open);
    text = close == std::string_view::npos ? std::string_view() : text.substr(open + 1, close - open - 1);
  }
  std::string address = common::trim(text);
  if (address.empty() || address.find_first_of(" \t\r\n<>") != std::string::npos) return {};
  return address;
}

std::string base64(std::string_view bytes) {
  std::vector<unsigned char> out(4 * ((bytes.size() + 2) / 3) + 1);
  int length =
      EVP_EncodeBlock(out.data(), reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
  return std::string(reinterpret_cast<const char*>(out.data()), static_cast<std::size_t>(length));
}

bool is_plain_header_text(std::string_view text) {
  return text.size() <= kMaxPlainSubject && std::all_of(text.begin(), text.end(), [](char c) {
           auto byte = static_cast<unsigned char>(c);
           return byte == '\t' || (byte >= 0x20 && byte < 0x7F);
         });
}

// RFC 2047 B-encoded words, split between characters (never inside a UTF-8 sequence) and folded
// onto continuation lines; readers drop the whitespace between adjacent encoded-words.
std::string encode_header_text(std::string_view text) {
  if (is_plain_header_text(text)) return std::string(text);
  std::string out;
  while (!text.empty()) {
    std::size_t cut = std::min(kEncodedWordBytes, text.size());
    while (cut < text.size() && cut > 1 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
    if (!out.empty()) out += "\r\n ";
    out += "=?UTF-8?B?" + base64(text.substr(0, cut)) + "?=";
    text.remove_prefix(cut);
  }
  return out;
}

// RFC 5322 date in UTC, with English names whatever the process locale.
std::string format_date(std::chrono::system_clock::time_point when) {
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  std::time_t seconds = std::chrono::system_clock::to_time_t(when);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%s, %02d %s %04d %02d:%02d:%02d +0000", kDays[utc.tm_wday], utc.tm_mday,
                kMonths[utc.tm_mon], utc.tm_year + 1900, utc.tm_hour, utc.tm_min, utc.tm_sec);
  return buffer;
}

// Every line ending (CRLF, LF or a lone CR) becomes CRLF, and the body ends with one.
std::string crlf_body(std::string_view body) {
  std::string out;
  out.reserve(body.size() + body.size() / 32 + 2);
  for (std::size_t i = 0; i < body.size(); ++i) {
    char c = body[i];
    if (c == '\r') {
      if (i + 1 < body.size() && body[i + 1] == '\n') ++i;
      out += "\r\n";
    } else if (c == '\n') {
      out += "\r\n";
    } else {
      out += c;
    }
  }
  if (!out.ends_with("\r\n")) out += "\r\n";
  return out;
}

std::string url_scheme(const std::string& url) {
  auto end = url.find("://");
  std::string scheme = end == std::string::npos ? std::string() : url.substr(0, end);
  std::transform(scheme.begin(), scheme.end(), scheme.begin(), [](unsigned char c) { return std::tolower(c); });
  return scheme;
}

void init_curl_once() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) throw std::runtime_error("curl_global_init failed");
  });
}

struct Upload {
  std::string_view data;
};

std::size_t read_upload(char* buffer, std::size_t size, std::size_t count, void* user) {
  auto* upload = static_cast<Upload*>(user);
  std::size_t n = std::min(size * count, upload->data.size());
  std::memcpy(buffer, upload->data.data(), n);
  upload->data.remove_prefix(n);
  return n;
}

struct CurlDeleter {
  void operator()(CURL* handle) const { curl_easy_cleanup(handle); }
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};

}  // namespace

Mailer::~Mailer() = default;

void LogMailer::send(const Mail& mail) {
  common::log::info("mail", {{"to", mail.to}, {"subject", mail.subject}, {"body", mail.body}});
}

std::string format_message(const Mail& mail, const std::string& from, std::chrono::system_clock::time_point date) {
  require_single_line(from, "From");
  require_single_line(mail.to, "To");
  require_single_line(mail.subject, "Subject");
  std::string from_address = envelope_address(from);
  auto at = from_address.rfind('@');
  std::string domain = at == std::string::npos ? "localhost" : from_address.substr(at + 1);

  std::string message;
  message += "Date: " + format_date(date) + "\r\n";
  message += "From: " + from + "\r\n";
  message += "To: " + mail.to + "\r\n";
  message += "Subject: " + encode_header_text(mail.subject) + "\r\n";
  message += "Message-ID: <" + common::random_hex(16) + "@" + domain + ">\r\n";
  message += "MIME-Version: 1.0\r\n";
  message += "Content-Type: text/plain; charset=utf-8\r\n";
  message += "Content-Transfer-Encoding: 8bit\r\n";
  message += "\r\n";
  message += crlf_body(mail.body);
  return message;
}

SmtpMailer::SmtpMailer(SmtpSettings settings) : settings_(std::move(settings)) {
  std::string scheme = url_scheme(settings_.url);
  if (scheme != "smtp" && scheme != "smtps") {
    throw std::invalid_argument("mail server URL must start with smtp:// or smtps://");
  }
  if (envelope_address(settings_.from).empty()) throw std::invalid_argument("mail sender address is missing");
  require_single_line(settings_.from, "From");
  init_curl_once();
}

void SmtpMailer::send(const Mail& mail) {
  // Before connecting: a malformed mail fails the same way whether the server is up or not.
  std::string message = format_message(mail, settings_.from, std::chrono::system_clock::now());
  std::string recipient = envelope_address(mail.to);
  if (recipient.empty()) throw MailError("mail recipient address is missing");

  std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
  if (!curl) throw MailError("cannot create a libcurl handle");
  std::unique_ptr<curl_slist, CurlDeleter> recipients(curl_slist_append(nullptr, ("<" + recipient + ">").c_str()));
  if (!recipients) throw MailError("out of memory");
  std::string sender = "<" + envelope_address(settings_.from) + ">";
  Upload upload{message};
  char error[CURL_ERROR_SIZE] = "";
  auto timeout_ms = static_cast<long>(settings_.timeout.count());
  // smtps:// is TLS from the first byte; smtp:// upgrades with STARTTLS only when asked to.
  bool starttls = settings_.require_tls && url_scheme(settings_.url) == "smtp";

  CURL* h = curl.get();
  curl_easy_setopt(h, CURLOPT_URL, settings_.url.c_str());
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);  // no SIGALRM for DNS timeouts in a threaded server
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, timeout_ms);
  if (starttls) curl_easy_setopt(h, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
  if (!settings_.username.empty()) {
    curl_easy_setopt(h, CURLOPT_USERNAME, settings_.username.c_str());
    curl_easy_setopt(h, CURLOPT_PASSWORD, settings_.password.c_str());
  }
  curl_easy_setopt(h, CURLOPT_MAIL_FROM, sender.c_str());
  curl_easy_setopt(h, CURLOPT_MAIL_RCPT, recipients.get());
  curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(h, CURLOPT_READFUNCTION, read_upload);
  curl_easy_setopt(h, CURLOPT_READDATA, &upload);
  curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(message.size()));

  CURLcode rc = curl_easy_perform(h);
  if (rc != CURLE_OK) {
    throw MailError("sending mail failed: " + std::string(*error != '\0' ? error : curl_easy_strerror(rc)));
  }
}

std::unique_ptr<Mailer> make_mailer(const SmtpSettings& settings) {
  if (settings.url.empty()) return std::make_unique<LogMailer>();
  return std::make_unique<SmtpMailer>(settings);
}

}  // namespace auth
