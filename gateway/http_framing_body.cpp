#include "gateway/http_field_syntax.hpp"
#include "gateway/http_framing.hpp"

// The framer's body states: a Content-Length body, or chunks, their extensions and trailers,
// each bounded as it arrives.
namespace gateway::http {
namespace {

using namespace syntax;

constexpr std::size_t kMaxChunkLine = 1024;
constexpr std::size_t kMaxTrailerBytes = 8192;
constexpr int kMaxChunkSizeDigits = 15;  // 2^60: no overflow while summing

}  // namespace

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

}  // namespace gateway::http
