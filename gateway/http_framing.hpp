#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

// Strict HTTP/1.1 request framing (RFC 9112) for the gateway's connection layer: where a request
// ends is decided here, once, before any handler sees it. Anything a front proxy might frame
// differently is refused (request smuggling): a second Content-Length, Content-Length with
// Transfer-Encoding, a length that is not plain digits, bare CR or LF line ends, obs-fold,
// whitespace before a colon. Bodies are bounded as they arrive, chunked ones included. Pure
// logic with no I/O, so it is unit-tested and fuzzed on its own.
namespace gateway::http {

struct FramingLimits {
  std::size_t max_request_line = 8192;       // longer: 414
  std::size_t max_head_bytes = 16384;        // request line and headers; longer: 431
  std::size_t max_headers = 100;             // more: 431
  std::size_t max_body_bytes = 1024 * 1024;  // larger, Content-Length or chunked: 413
};

struct Rejection {
  int status = 0;  // 400, 413, 414, 417, 431, 501, 505
  std::string detail;
};

// One request, framed: the body is de-chunked, and the framing headers (Content-Length,
// Transfer-Encoding, Expect) are gone from `headers`.
struct FramedRequest {
  std::string method;
  std::string target;
  int minor_version = 1;  // HTTP/1.<minor_version>
  std::vector<std::pair<std::string, std::string>> headers;
  bool has_body = false;  // the request declared a body (Content-Length or chunked)
  std::string body;
  bool keep_alive = true;  // HTTP/1.1 without "Connection: close"

  // The request again with one plain Content-Length: what the handlers' HTTP parser reads.
  std::string canonical() const;
};

class RequestFramer final {
 public:
  enum class State { kIncomplete, kComplete, kRejected };

  explicit RequestFramer(FramingLimits limits) : limits_(limits) {}

  // Reads `input`, the bytes received and not yet consumed, and says how far it got. Returns
  // how many bytes it consumed: the caller drops them and calls again with what follows plus
  // newly received bytes. After kComplete, take() the request; the bytes after it (a pipelined
  // request) are left unconsumed. After kRejected, rejection() says why: the connection must be
  // answered and closed, since where the next request starts is unknown.
  std::size_t feed(std::string_view input);

  State state() const { return state_; }
  // Some byte of a request has arrived (leading empty lines included).
  bool started() const { return started_; }
  bool head_done() const { return head_done_; }
  // Body bytes held so far (for the memory budget).
  std::size_t body_bytes() const { return request_.body.size(); }
  // The head is complete and the client waits for "100 Continue" before it sends the body.
  bool awaiting_continue() const { return head_done_ && expects_continue_ && state_ == State::kIncomplete; }
  void continue_sent() { expects_continue_ = false; }
  const Rejection& rejection() const { return rejection_; }

  // The complete request; the framer starts over for the next one.
  FramedRequest take();

 private:
  enum class Body { kNone, kLength, kChunkSize, kChunkData, kChunkDataEnd, kTrailers };

  std::size_t feed_head(std::string_view input);
  std::size_t feed_body(std::string_view input);
  bool parse_head(std::string_view head);
  bool reject(int status, std::string detail);

  FramingLimits limits_;
  State state_ = State::kIncomplete;
  Rejection rejection_;
  FramedRequest request_;
  bool started_ = false;
  bool head_done_ = false;
  bool expects_continue_ = false;
  std::size_t empty_lines_ = 0;  // before the request line
  std::size_t scanned_ = 0;      // bytes of the head already checked for its end
  Body body_state_ = Body::kNone;
  std::uint64_t remaining_ = 0;  // of the Content-Length body, or of the current chunk
  std::size_t trailer_bytes_ = 0;
};

}  // namespace gateway::http
