#include "gateway/http_framing.hpp"

#include <gtest/gtest.h>

namespace {

using gateway::http::FramedRequest;
using gateway::http::FramingLimits;
using gateway::http::RequestFramer;
using State = RequestFramer::State;

struct Outcome {
  State state;
  std::size_t consumed;
  int status;  // of the rejection, else 0
  FramedRequest request;
};

FramingLimits small_limits() {
  FramingLimits limits;
  limits.max_body_bytes = 64;
  limits.max_request_line = 128;
  limits.max_head_bytes = 512;
  limits.max_headers = 8;
  return limits;
}

// All bytes at once.
Outcome frame(std::string_view bytes, FramingLimits limits = small_limits()) {
  RequestFramer framer(limits);
  std::size_t consumed = framer.feed(bytes);
  Outcome outcome{framer.state(), consumed, framer.state() == State::kRejected ? framer.rejection().status : 0, {}};
  if (framer.state() == State::kComplete) outcome.request = framer.take();
  return outcome;
}

// One byte at a time, as a slow client sends: the result must be the same.
Outcome frame_bytewise(std::string_view bytes, FramingLimits limits = small_limits()) {
  RequestFramer framer(limits);
  std::string pending;
  std::size_t consumed = 0;
  for (char c : bytes) {
    if (framer.state() != State::kIncomplete) break;
    pending += c;
    std::size_t used = framer.feed(pending);
    pending.erase(0, used);
    consumed += used;
  }
  Outcome outcome{framer.state(), consumed, framer.state() == State::kRejected ? framer.rejection().status : 0, {}};
  if (framer.state() == State::kComplete) outcome.request = framer.take();
  return outcome;
}

int status_of(std::string_view bytes) { return frame(bytes).status; }

TEST(HttpFraming, AGetIsCompleteAtItsBlankLineAndLeavesAPipelinedRequestUnread) {
  std::string first = "GET /api/posts/?limit=2 HTTP/1.1\r\nHost: a\r\nAccept: */*\r\n\r\n";
  std::string both = first + "GET /healthz HTTP/1.1\r\nHost: a\r\n\r\n";
  auto outcome = frame(both);
  ASSERT_EQ(outcome.state, State::kComplete);
  EXPECT_EQ(outcome.consumed, first.size());
  EXPECT_EQ(outcome.request.method, "GET");
  EXPECT_EQ(outcome.request.target, "/api/posts/?limit=2");
  EXPECT_TRUE(outcome.request.keep_alive);
  EXPECT_FALSE(outcome.request.has_body);
  EXPECT_EQ(outcome.request.canonical(), first);
}

TEST(HttpFraming, AContentLengthBodyIsReadExactlyAcrossFeeds) {
  std::string bytes = "POST /api/posts/ HTTP/1.1\r\nHost: a\r\nContent-Length: 11\r\n\r\nhello worldGET";
  for (auto outcome : {frame(bytes), frame_bytewise(bytes)}) {
    ASSERT_EQ(outcome.state, State::kComplete);
    EXPECT_EQ(outcome.consumed, bytes.size() - 3);
    EXPECT_EQ(outcome.request.body, "hello world");
    EXPECT_EQ(outcome.request.canonical(), "POST /api/posts/ HTTP/1.1\r\nHost: a\r\nContent-Length: 11\r\n\r\n");
  }
}

TEST(HttpFraming, AChunkedBodyIsDecodedAndHandedOnWithAPlainLength) {
  std::string bytes =
      "POST /api/posts/ HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
      "5;name=value\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: ignored\r\n\r\n";
  for (auto outcome : {frame(bytes), frame_bytewise(bytes)}) {
    ASSERT_EQ(outcome.state, State::kComplete) << outcome.status;
    EXPECT_EQ(outcome.consumed, bytes.size());
    EXPECT_EQ(outcome.request.body, "hello world");
    EXPECT_EQ(outcome.request.canonical(), "POST /api/posts/ HTTP/1.1\r\nHost: a\r\nContent-Length: 11\r\n\r\n");
  }
}

// Request smuggling: two framings a proxy and we might disagree on are refused, never guessed.
TEST(HttpFraming, ConflictingOrInvalidFramingHeadersAreRefused) {
  const std::string head = "POST / HTTP/1.1\r\nHost: a\r\n";
  EXPECT_EQ(status_of(head + "Content-Length: 0\r\nContent-Length: 5\r\n\r\nhello"), 400);
  EXPECT_EQ(status_of(head + "Content-Length: 5\r\nContent-Length: 5\r\n\r\nhello"), 400);
  EXPECT_EQ(status_of(head + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"), 400);
  EXPECT_EQ(status_of(head + "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n"), 400);
  for (std::string bad : {"abc", "0x10", "+5", "-1", "5, 5", "5 5", "", "1e3"}) {
    EXPECT_EQ(status_of(head + "Content-Length: " + bad + "\r\n\r\n"), 400) << bad;
  }
  EXPECT_EQ(status_of(head + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"), 400);
  EXPECT_EQ(status_of(head + "Transfer-Encoding: chunked, identity\r\n\r\n"), 400);
  EXPECT_EQ(status_of(head + "Transfer-Encoding: xchunked\r\n\r\n"), 400);
  EXPECT_EQ(status_of(head + "Transfer-Encoding: gzip, chunked\r\n\r\n"), 501);
  EXPECT_EQ(status_of("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"), 400);
  EXPECT_EQ(status_of(head + "Content-Length : 5\r\n\r\nhello"), 400);  // whitespace before the colon
  EXPECT_EQ(status_of(head + " Content-Length: 5\r\n\r\nhello"), 400);  // obs-fold
  EXPECT_EQ(status_of(head + "X: a\r\n b\r\n\r\n"), 400);
}

TEST(HttpFraming, LinesEndWithCrlfOnly) {
  EXPECT_EQ(frame_bytewise("GET / HTTP/1.1\nHost: a\n\n").status, 400);
  EXPECT_EQ(frame_bytewise("GET / HTTP/1.1\r\nHost: a\rX: b\r\n\r\n").status, 400);
  EXPECT_EQ(frame_bytewise(std::string("GET / HTTP/1.1\r\nHost: a\0b\r\n\r\n", 30)).status, 400);
  EXPECT_EQ(frame("\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n").state, State::kComplete);
  // A few empty lines before a request are tolerated, however they arrive (found by fuzzing:
  // the count restarted with each read).
  std::string nine_empty_lines;
  for (int i = 0; i < 9; ++i) nine_empty_lines += "\r\n";
  EXPECT_EQ(frame(nine_empty_lines + "GET / HTTP/1.1\r\nHost: a\r\n\r\n").status, 400);
  EXPECT_EQ(frame_bytewise(nine_empty_lines + "GET / HTTP/1.1\r\nHost: a\r\n\r\n").status, 400);
}

TEST(HttpFraming, BodiesAreBoundedAsTheyArriveChunkedOrNot) {
  const std::string head = "POST / HTTP/1.1\r\nHost: a\r\n";
  EXPECT_EQ(status_of(head + "Content-Length: 65\r\n\r\n"), 413);
  EXPECT_EQ(status_of(head + "Content-Length: 99999999999999999999999\r\n\r\n"), 413);
  EXPECT_EQ(frame(head + "Content-Length: 64\r\n\r\n" + std::string(64, 'x')).state, State::kComplete);

  // 40 + 25 bytes: refused at the second chunk's size line, before its data arrives.
  std::string chunked = head + "Transfer-Encoding: chunked\r\n\r\n28\r\n" + std::string(40, 'x') + "\r\n19\r\n";
  auto outcome = frame_bytewise(chunked);
  EXPECT_EQ(outcome.status, 413);
  EXPECT_EQ(status_of(head + "Transfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFFFFFFFFFF\r\n"), 413);
  EXPECT_EQ(status_of(head + "Transfer-Encoding: chunked\r\n\r\n00000000000000000000000005\r\nhello\r\n0\r\n\r\n"), 0);
}

TEST(HttpFraming, MalformedChunksAreRefused) {
  const std::string head = "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n";
  EXPECT_EQ(status_of(head + "5\r\nhelloX\r\n0\r\n\r\n"), 400);  // data longer than its size
  EXPECT_EQ(status_of(head + "g\r\n"), 400);
  EXPECT_EQ(status_of(head + "\r\n"), 400);
  EXPECT_EQ(status_of(head + "5 x\r\nhello\r\n"), 400);
  EXPECT_EQ(status_of(head + "5\nhello\r\n"), 400);
  EXPECT_EQ(status_of(head + "0\r\nbad trailer\r\n\r\n"), 400);
  EXPECT_EQ(status_of(head + "1;" + std::string(2000, 'a') + "\r\n"), 400);
}

TEST(HttpFraming, TheRequestLineAndHostAreChecked) {
  EXPECT_EQ(status_of("GET / HTTP/1.1\r\n\r\n"), 400);                        // no Host
  EXPECT_EQ(status_of("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"), 400);  // two
  auto old = frame("GET / HTTP/1.0\r\n\r\n");
  ASSERT_EQ(old.state, State::kComplete);
  EXPECT_FALSE(old.request.keep_alive);
  EXPECT_EQ(status_of("GET / HTTP/2.0\r\nHost: a\r\n\r\n"), 505);
  EXPECT_EQ(status_of("GET / HTTX/1.1\r\nHost: a\r\n\r\n"), 400);
  EXPECT_EQ(status_of("GET  / HTTP/1.1\r\nHost: a\r\n\r\n"), 400);
  EXPECT_EQ(status_of("GET http://evil/ HTTP/1.1\r\nHost: a\r\n\r\n"), 400);
  EXPECT_EQ(status_of("GET /\x80 HTTP/1.1\r\nHost: a\r\n\r\n"), 400);
  EXPECT_EQ(status_of("G(T / HTTP/1.1\r\nHost: a\r\n\r\n"), 400);
  EXPECT_EQ(frame("OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n").state, State::kComplete);
  EXPECT_FALSE(frame("GET / HTTP/1.1\r\nHost: a\r\nConnection: keep-alive, Close\r\n\r\n").request.keep_alive);
}

TEST(HttpFraming, HeadsAreBounded) {
  EXPECT_EQ(frame_bytewise("GET /" + std::string(200, 'a') + " HTTP/1.1\r\n").status, 414);
  std::string big = "GET / HTTP/1.1\r\nHost: a\r\nX: " + std::string(600, 'a') + "\r\n\r\n";
  EXPECT_EQ(frame_bytewise(big).status, 431);
  std::string many = "GET / HTTP/1.1\r\nHost: a\r\n";
  for (int i = 0; i < 9; ++i) many += "X" + std::to_string(i) + ": 1\r\n";
  EXPECT_EQ(status_of(many + "\r\n"), 431);
}

TEST(HttpFraming, ExpectContinueIsAnsweredOnceTheHeadIsIn) {
  RequestFramer framer(small_limits());
  std::string head = "POST / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n";
  EXPECT_EQ(framer.feed(head), head.size());
  EXPECT_TRUE(framer.awaiting_continue());
  framer.continue_sent();
  EXPECT_FALSE(framer.awaiting_continue());
  EXPECT_EQ(framer.feed("ok"), 2u);
  ASSERT_EQ(framer.state(), State::kComplete);
  auto request = framer.take();
  EXPECT_EQ(request.body, "ok");
  EXPECT_EQ(request.canonical().find("Expect"), std::string::npos);
  EXPECT_EQ(status_of("POST / HTTP/1.1\r\nHost: a\r\nExpect: magic\r\n\r\n"), 417);
}

}  // namespace
