#include "gateway/http_framing.hpp"

#include <algorithm>
#include <cctype>

namespace gateway::http {
namespace {

constexpr std::size_t kMaxEmptyLinesBeforeRequest = 8;
constexpr std::size_t kMaxChunkLine = 1024;
constexpr std::size_t kMaxTrailerBytes = 8192;
constexpr int kMaxChunkSizeDigits = 15;  // 2^60: no overflow while summing

// RFC 9110 section 5.6.2: the characters of a token (method, header name).
bool is_tchar(char c) {
  if (std::isalnum(static_cast<unsigned char>(c))) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool is_token(std::string_view text) { return !text.empty() && std::all_of(text.begin(), text.end(), is_tchar); }

// field-vchar, obs-text, SP and HTAB: no CTL (NUL, CR, LF...) inside a header value.
bool is_field_value(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) {
    auto byte = static_cast<unsigned char>(c);
    return byte == '\t' || (byte >= 0x20 && byte != 0x7F);
  });
}

std::string_view trim_ows(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

// The comma-separated tokens of a list header (Connection, Transfer-Encoding).
std::vector<std::string_view> list_items(std::string_view value) {
  std::vector<std::string_view> items;
  std::size_t start = 0;
  while (start <= value.size()) {
    auto comma = value.find(',', start);
    if (comma == std::string_view::npos) comma = value.size();
    auto item = trim_ows(value.substr(start, comma - start));
    if (!item.empty()) items.push_back(item);
    start = comma + 1;
  }
  return items;
}

// A header or trailer line "name: value" (the CRLF already cut off).
bool split_field(std::string_view line, std::string_view& name, std::string_view& value) {
  auto colon = line.find(':');
  if (colon == std::string_view::npos) return false;
  name = line.substr(0, colon);
  value = trim_ows(line.substr(colon + 1));
  return is_token(name) && is_field_value(value);
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

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

std::size_t RequestFramer::feed_body(std::string_view input) {
  std::size_t used = 0;
  while (state_ == State::kIncomplete) {
    std::string_view rest = input.substr(used);
    switch (body_state_) {
      case Body::kLength:
      case Body::kChunkData: {
        if (rest.empty()) return used;
        auto take = static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, rest.size()));
        request_.body.append(rest.substr(0, take));
        used += take;
        remaining_ -= take;
        if (remaining_ == 0) {
          if (body_state_ == Body::kLength) {
            state_ = State::kComplete;
          } else {
            body_state_ = Body::kChunkDataEnd;
          }
        }
        break;
      }
      case Body::kChunkDataEnd: {
        if (rest.empty()) return used;
        if (rest[0] != '\r' || (rest.size() > 1 && rest[1] != '\n')) {
          reject(400, "Malformed chunked body.");
          return used;
        }
        if (rest.size() < 2) return used;
        used += 2;
        body_state_ = Body::kChunkSize;
        break;
      }
      case Body::kChunkSize:
      case Body::kTrailers: {
        auto newline = rest.find('\n');
        std::size_t limit = body_state_ == Body::kChunkSize ? kMaxChunkLine : kMaxTrailerBytes - trailer_bytes_;
        if (newline == std::string_view::npos) {
          if (rest.size() > limit) reject(400, "Malformed chunked body.");
          return used;
        }
        if (newline == 0 || rest[newline - 1] != '\r' || newline + 1 > limit) {
          reject(400, "Malformed chunked body.");
          return used;
        }
        std::string_view line = rest.substr(0, newline - 1);
        used += newline + 1;
        if (line.find_first_of(std::string_view("\r\0", 2)) != std::string_view::npos) {
          reject(400, "Malformed chunked body.");
          return used;
        }
        if (body_state_ == Body::kTrailers) {
          trailer_bytes_ += newline + 1;
          std::string_view name;
          std::string_view value;
          if (line.empty()) {
            state_ = State::kComplete;
          } else if (!split_field(line, name, value)) {
            reject(400, "Malformed chunked body.");
          }
          break;  // trailers are read and dropped: no handler wants them
        }
        std::uint64_t size = 0;
        std::size_t i = 0;
        int significant = 0;
        for (; i < line.size() && hex_value(line[i]) >= 0; ++i) {
          if (size > 0 || line[i] != '0') ++significant;
          if (significant > kMaxChunkSizeDigits) {
            reject(413, "Request body is too large.");
            return used;
          }
          size = size * 16 + static_cast<std::uint64_t>(hex_value(line[i]));
        }
        std::string_view extension = trim_ows(line.substr(i));
        if (i == 0 || (!extension.empty() && (extension.front() != ';' || !is_field_value(extension)))) {
          reject(400, "Malformed chunked body.");
          return used;
        }
        if (size > limits_.max_body_bytes - request_.body.size()) {
          reject(413, "Request body is too large.");
          return used;
        }
        remaining_ = size;
        body_state_ = size == 0 ? Body::kTrailers : Body::kChunkData;
        break;
      }
      case Body::kNone: state_ = State::kComplete; break;
    }
  }
  return used;
}

FramedRequest RequestFramer::take() {
  FramedRequest done = std::move(request_);
  *this = RequestFramer(limits_);
  return done;
}

}  // namespace gateway::http
