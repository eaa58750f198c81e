#include "gateway/user_agent.hpp"

#include "common/core/text.hpp"

namespace gateway {
namespace {

// The length of the UTF-8 sequence `lead` starts, by its bits; 0 when it starts none.
std::size_t sequence_length(unsigned char lead) {
  if (lead < 0x80) return 1;
  if ((lead & 0xE0) == 0xC0) return 2;
  if ((lead & 0xF0) == 0xE0) return 3;
  if ((lead & 0xF8) == 0xF0) return 4;
  return 0;
}

// The code point of a valid UTF-8 sequence.
char32_t code_point(std::string_view sequence) {
  static constexpr unsigned char kLeadBits[] = {0x7F, 0x1F, 0x0F, 0x07};
  auto byte = [&](std::size_t i) { return static_cast<unsigned char>(sequence[i]); };
  char32_t point = byte(0) & kLeadBits[sequence.size() - 1];
  for (std::size_t i = 1; i < sequence.size(); ++i) point = (point << 6) | (byte(i) & 0x3F);
  return point;
}

// C0, DEL and C1 controls (tabs and line breaks among them), the line and paragraph
// separators, and the bidirectional marks, embeddings, overrides and isolates.
bool hidden_from_display(char32_t point) {
  return point < 0x20 || (point >= 0x7F && point <= 0x9F) || point == 0x061C || point == 0x200E || point == 0x200F ||
         point == 0x2028 || point == 0x2029 || (point >= 0x202A && point <= 0x202E) ||
         (point >= 0x2066 && point <= 0x2069);
}

}  // namespace

std::string user_agent_display_text(std::string_view header) {
  std::string text;
  std::size_t at = 0;
  while (at < header.size()) {
    std::size_t length = sequence_length(static_cast<unsigned char>(header[at]));
    std::string_view sequence = header.substr(at, length == 0 ? 1 : length);
    if (length == 0 || sequence.size() < length || !common::is_valid_utf8(sequence)) {
      ++at;  // not a character: drop the byte and read on
      continue;
    }
    at += length;
    if (hidden_from_display(code_point(sequence))) continue;
    if (text.size() + sequence.size() > kMaxUserAgentBytes) break;
    text.append(sequence);
  }
  return text;
}

}  // namespace gateway
