#include "gateway/http_framing.hpp"

#include "gateway/http_field_syntax.hpp"

#include <algorithm>
#include <cctype>

namespace gateway::http {
namespace {

using namespace syntax;

constexpr std::size_t kMaxEmptyLinesBeforeRequest = 8;

}  // namespace

std::string FramedRequest::canonical() const {
  std::string head;
  head.reserve(64 + target.size() + headers.size() * 48);
  head.append(method).append(" ").append(target).append(" HTTP/1.").append(std::to_string(minor_version));
  head.append("\r\n");
  for (const auto& [name, value] : headers) head.append(name).append(": ").append(value).append("\r\n");
  if (has_body) head.append("Content-Length: ").append(std::to_string(body.size())).append("\r\n");
  head.append("\r\n");
  return head;
}

bool RequestFramer::reject(int status, std::string detail) {
  state_ = State::kRejected;
  rejection_ = {status, std::move(detail)};
  return false;
}

std::size_t RequestFramer::feed(std::string_view input) {
  if (state_ != State::kIncomplete) return 0;
  std::size_t used = 0;
  if (!head_done_) {
    used = feed_head(input);
    if (!head_done_ || state_ != State::kIncomplete) return used;
  }
  return used + feed_body(input.substr(used));
}

std::size_t RequestFramer::feed_head(std::string_view input) {
  std::size_t skipped = 0;
  if (scanned_ == 0) {
    // RFC 9112 section 2.2: empty lines before a request line are ignored, a few of them.
    while (input.size() - skipped >= 2 && input[skipped] == '\r' && input[skipped + 1] == '\n') {
      skipped += 2;
      if (++empty_lines_ > kMaxEmptyLinesBeforeRequest) {
        reject(400, "Malformed request: empty lines before the request line.");
        return skipped;
      }
    }
    if (!input.empty()) started_ = true;
    if (input.size() - skipped == 1 && input[skipped] == '\r') return skipped;
  }
  std::string_view head = input.substr(skipped);
  bool first_line_done = head.substr(0, scanned_).find('\n') != std::string_view::npos;
  for (std::size_t i = scanned_; i < head.size(); ++i) {
    char c = head[i];
    if (i > 0 && head[i - 1] == '\r' && c != '\n') {
      reject(400, "Malformed request: bare CR in the request head.");
      return skipped;
    }
    if (c == '\0') {
      reject(400, "Malformed request: NUL in the request head.");
      return skipped;
    }
    if (c == '\n') {
      if (i == 0 || head[i - 1] != '\r') {
        reject(400, "Malformed request: lines must end with CRLF.");
        return skipped;
      }
      first_line_done = true;
      if (i >= 3 && head[i - 2] == '\n' && head[i - 3] == '\r') {
        head_done_ = true;
        parse_head(head.substr(0, i + 1));
        return skipped + i + 1;
      }
    }
    if (!first_line_done && i + 1 > limits_.max_request_line) {
      reject(414, "Request line too long.");
      return skipped;
    }
    if (i + 1 > limits_.max_head_bytes) {
      reject(431, "Request header fields too large.");
      return skipped;
    }
  }
  scanned_ = head.size();
  return skipped;
}

bool RequestFramer::parse_head(std::string_view head) {
  auto line_end = head.find("\r\n");
  std::string_view line = head.substr(0, line_end);
  auto first_space = line.find(' ');
  auto second_space = first_space == std::string_view::npos ? first_space : line.find(' ', first_space + 1);
  if (second_space == std::string_view::npos || line.find(' ', second_space + 1) != std::string_view::npos) {
    return reject(400, "Malformed request line.");
  }
  std::string_view method = line.substr(0, first_space);
  std::string_view target = line.substr(first_space + 1, second_space - first_space - 1);
  std::string_view version = line.substr(second_space + 1);
  if (!is_token(method)) return reject(400, "Malformed request line.");
  bool visible_ascii =
      !target.empty() && std::all_of(target.begin(), target.end(), [](char c) { return c > 0x20 && c < 0x7F; });
  if (!visible_ascii) return reject(400, "Malformed request target.");
  // origin-form, or "*" for OPTIONS; the absolute form is for proxies, which we are not.
  if (target.front() != '/' && !(target == "*" && method == "OPTIONS")) {
    return reject(400, "Malformed request target.");
  }
  if (version == "HTTP/1.1" || version == "HTTP/1.0") {
    request_.minor_version = version.back() - '0';
  } else if (version.size() == 8 && version.substr(0, 5) == "HTTP/" && std::isdigit(version[5]) && version[6] == '.' &&
             std::isdigit(version[7])) {
    return reject(505, "HTTP version not supported.");
  } else {
    return reject(400, "Malformed request line.");
  }
  request_.method = std::string(method);
  request_.target = std::string(target);

  int hosts = 0;
  int lengths = 0;
  int encodings = 0;
  std::string_view length_value;
  std::string_view encoding_value;
  bool close = false;
  std::size_t pos = line_end + 2;
  while (pos < head.size()) {
    auto end = head.find("\r\n", pos);
    std::string_view field = head.substr(pos, end - pos);
    pos = end + 2;
    if (field.empty()) break;
    if (request_.headers.size() + static_cast<std::size_t>(lengths + encodings) >= limits_.max_headers) {
      return reject(431, "Too many request header fields.");
    }
    if (field.front() == ' ' || field.front() == '\t') {
      return reject(400, "Malformed request: obsolete line folding in a header.");
    }
    std::string_view name;
    std::string_view value;
    if (!split_field(field, name, value)) return reject(400, "Malformed request header.");
    if (iequals(name, "Content-Length")) {
      ++lengths;
      length_value = value;
      continue;
    }
    if (iequals(name, "Transfer-Encoding")) {
      ++encodings;
      encoding_value = value;
      continue;
    }
    if (iequals(name, "Expect")) {
      if (!iequals(value, "100-continue")) return reject(417, "Expectation failed.");
      expects_continue_ = true;
      continue;
    }
    if (iequals(name, "Host")) ++hosts;
    if (iequals(name, "Connection")) {
      for (auto option : list_items(value)) close = close || iequals(option, "close");
    }
    request_.headers.emplace_back(std::string(name), std::string(value));
  }
  // RFC 9112 section 3.2: exactly one Host in HTTP/1.1, at most one in HTTP/1.0.
  if (hosts > 1 || (hosts == 0 && request_.minor_version == 1)) return reject(400, "Missing or repeated Host header.");
  // HTTP/1.0 keep-alive is not worth its ambiguities: one request per connection.
  request_.keep_alive = !close && request_.minor_version == 1;

  if (encodings > 0) {
    // RFC 9112 section 6.1 and 6.3: a length beside an encoding, or an encoding we cannot end,
    // is how smuggling starts; refuse both and close.
    if (lengths > 0) return reject(400, "Content-Length and Transfer-Encoding together are not allowed.");
    if (encodings > 1 || request_.minor_version == 0) return reject(400, "Invalid Transfer-Encoding.");
    auto codings = list_items(encoding_value);
    if (codings.empty() || !iequals(codings.back(), "chunked")) return reject(400, "Invalid Transfer-Encoding.");
    if (codings.size() > 1) return reject(501, "Only the chunked transfer coding is supported.");
    request_.has_body = true;
    body_state_ = Body::kChunkSize;
  } else if (lengths > 0) {
    if (lengths > 1) return reject(400, "Repeated Content-Length header.");
    if (length_value.empty() ||
        !std::all_of(length_value.begin(), length_value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      return reject(400, "Invalid Content-Length header.");
    }
    auto digits = length_value.substr(std::min(length_value.find_first_not_of('0'), length_value.size()));
    if (digits.size() > 18) return reject(413, "Request body is too large.");
    std::uint64_t length = 0;
    for (char c : digits) length = length * 10 + static_cast<std::uint64_t>(c - '0');
    if (length > limits_.max_body_bytes) return reject(413, "Request body is too large.");
    request_.has_body = true;
    remaining_ = length;
    body_state_ = length > 0 ? Body::kLength : Body::kNone;
    request_.body.reserve(static_cast<std::size_t>(length));
  }
  if (body_state_ == Body::kNone) state_ = State::kComplete;
  return true;
}

FramedRequest RequestFramer::take() {
  FramedRequest done = std::move(request_);
  *this = RequestFramer(limits_);
  return done;
}

}  // namespace gateway::http
