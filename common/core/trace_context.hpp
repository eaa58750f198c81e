#pragma once

#include <optional>
#include <string>
#include <string_view>

// W3C Trace Context (https://www.w3.org/TR/trace-context/): the `traceparent` header that ties
// a request's log lines together across the gateway and the services.
namespace common {

struct TraceParent {
  std::string trace_id;  // 32 lower-case hex digits, not all zero
  std::string span_id;   // 16 lower-case hex digits, not all zero: the caller's span
  std::string flags;     // 2 hex digits (01: sampled)

  // "00-<trace_id>-<span_id>-<flags>"
  std::string header() const;
};

// The header's fields; nullopt unless it is a well-formed version 00 value (or a later version
// whose first four fields are well formed, as the specification asks). Nothing else is trusted:
// a malformed header starts a new trace.
std::optional<TraceParent> parse_traceparent(std::string_view header);

// The traceparent for a call made on behalf of a request that arrived with `incoming` (maybe
// empty or malformed): the same trace with a new span of ours, or a new sampled trace.
TraceParent child_of(std::string_view incoming);

// The trace id in a traceparent header, for a log line; "" when malformed.
std::string trace_id_of(std::string_view header);

}  // namespace common
