#include "common/core/trace_context.hpp"

#include "common/core/text.hpp"

#include <algorithm>

namespace common {
namespace {

bool is_lower_hex(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

bool all_zero(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return c == '0'; });
}

}  // namespace

std::string TraceParent::header() const { return "00-" + trace_id + "-" + span_id + "-" + flags; }

std::optional<TraceParent> parse_traceparent(std::string_view header) {
  // version(2) '-' trace-id(32) '-' parent-id(16) '-' flags(2): 55 characters for version 00.
  constexpr std::size_t kLength = 55;
  if (header.size() < kLength || header[2] != '-' || header[35] != '-' || header[52] != '-') return std::nullopt;
  auto version = header.substr(0, 2);
  auto trace_id = header.substr(3, 32);
  auto span_id = header.substr(36, 16);
  auto flags = header.substr(53, 2);
  if (!is_lower_hex(version) || version == "ff") return std::nullopt;
  // Version 00 has exactly these fields; a later version may append "-..." after them.
  if (version == "00" ? header.size() != kLength : (header.size() > kLength && header[kLength] != '-')) {
    return std::nullopt;
  }
  if (!is_lower_hex(trace_id) || all_zero(trace_id) || !is_lower_hex(span_id) || all_zero(span_id) ||
      !is_lower_hex(flags)) {
    return std::nullopt;
  }
  return TraceParent{std::string(trace_id), std::string(span_id), std::string(flags)};
}

TraceParent child_of(std::string_view incoming) {
  std::string span_id = unique_hex(8);
  if (auto parent = parse_traceparent(incoming)) return {parent->trace_id, std::move(span_id), parent->flags};
  return {unique_hex(16), std::move(span_id), "01"};
}

std::string trace_id_of(std::string_view header) {
  auto parent = parse_traceparent(header);
  return parent ? parent->trace_id : std::string();
}

}  // namespace common
