// Fuzzes the gateway's strict HTTP/1.1 request framing (gateway/http_framing.cpp) with three
// properties besides "no crash, no undefined behaviour":
//  1. the same bytes framed at once and in arbitrary pieces give the same outcome, so a slow or
//     fragmenting client cannot change where a request ends;
//  2. a framed request never exceeds the limits;
//  3. the canonical form handed to the handlers frames again to the very same request.
#include "gateway/http_framing.hpp"

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {

using gateway::http::FramedRequest;
using gateway::http::FramingLimits;
using gateway::http::RequestFramer;

struct Outcome {
  RequestFramer::State state;
  std::size_t consumed = 0;
  int status = 0;
  FramedRequest request;
};

FramingLimits limits() {
  FramingLimits l;
  l.max_request_line = 512;
  l.max_head_bytes = 2048;
  l.max_headers = 16;
  l.max_body_bytes = 4096;
  return l;
}

// Feeds `input` in pieces whose sizes come from `cuts` (cycled), as bytes arrive from a socket.
Outcome frame(std::string_view input, std::string_view cuts, const FramingLimits& bounds = limits()) {
  RequestFramer framer(bounds);
  std::string pending;
  std::size_t at = 0;
  std::size_t consumed = 0;
  std::size_t cut = 0;
  while (framer.state() == RequestFramer::State::kIncomplete && at < input.size()) {
    std::size_t piece = cuts.empty() ? input.size() : 1 + static_cast<unsigned char>(cuts[cut++ % cuts.size()]) % 64;
    piece = std::min(piece, input.size() - at);
    pending.append(input.substr(at, piece));
    at += piece;
    std::size_t used = framer.feed(pending);
    pending.erase(0, used);
    consumed += used;
  }
  Outcome outcome{framer.state(), consumed, 0, {}};
  if (framer.state() == RequestFramer::State::kRejected) outcome.status = framer.rejection().status;
  if (framer.state() == RequestFramer::State::kComplete) outcome.request = framer.take();
  return outcome;
}

bool same(const FramedRequest& a, const FramedRequest& b) {
  return a.method == b.method && a.target == b.target && a.minor_version == b.minor_version && a.headers == b.headers &&
         a.has_body == b.has_body && a.body == b.body && a.keep_alive == b.keep_alive;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  // The first byte says how many of the following bytes choose the piece sizes.
  std::size_t cut_bytes = std::min<std::size_t>(data[0] % 8, size - 1);
  std::string_view cuts(reinterpret_cast<const char*>(data) + 1, cut_bytes);
  std::string_view input(reinterpret_cast<const char*>(data) + 1 + cut_bytes, size - 1 - cut_bytes);

  Outcome whole = frame(input, {});
  Outcome pieces = frame(input, cuts);
  if (whole.state != pieces.state || whole.status != pieces.status) std::abort();
  if (whole.state != RequestFramer::State::kComplete) return 0;
  if (whole.consumed != pieces.consumed || !same(whole.request, pieces.request)) std::abort();
  if (whole.request.body.size() > limits().max_body_bytes) std::abort();

  // The canonical head may be a little longer than the original: each "name:value" becomes
  // "name: value", and a body gets its own Content-Length line. It goes to the handlers, not
  // through the limits again, but its growth is bounded.
  FramingLimits grown = limits();
  grown.max_head_bytes += grown.max_headers + std::string_view("Content-Length: 4096\r\n").size();
  grown.max_headers += 1;
  std::string canonical = whole.request.canonical() + whole.request.body;
  Outcome again = frame(canonical, {}, grown);
  if (again.state != RequestFramer::State::kComplete || again.consumed != canonical.size()) std::abort();
  // The canonical form has a Content-Length wherever the original had a body.
  if (!same(again.request, whole.request)) std::abort();
  return 0;
}
