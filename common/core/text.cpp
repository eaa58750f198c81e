#include "common/core/text.hpp"

#include <openssl/rand.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <stdexcept>
#include <vector>

namespace common {

std::string trim(std::string_view text) {
  constexpr std::string_view kWhitespace = " \t\r\n\f\v";
  auto first = text.find_first_not_of(kWhitespace);
  if (first == std::string_view::npos) return {};
  auto last = text.find_last_not_of(kWhitespace);
  return std::string(text.substr(first, last - first + 1));
}

std::size_t utf8_length(std::string_view text) {
  // A continuation byte (10xxxxxx) does not start a character.
  return static_cast<std::size_t>(
      std::count_if(text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

namespace {

// The length of the valid UTF-8 sequence at `p`, or 0 when it is not one. The bounds of the
// second byte exclude overlong forms, surrogates and > U+10FFFF (RFC 3629 section 4); the bytes
// after it are plain continuations.
std::size_t utf8_sequence_length(const unsigned char* p, const unsigned char* end) {
  unsigned char lead = *p;
  if (lead < 0x80) return 1;
  std::size_t more;
  unsigned char low = 0x80, high = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    more = 1;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    more = 2;
    if (lead == 0xE0) low = 0xA0;
    if (lead == 0xED) high = 0x9F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    more = 3;
    if (lead == 0xF0) low = 0x90;
    if (lead == 0xF4) high = 0x8F;
  } else {
    return 0;
  }
  if (static_cast<std::size_t>(end - p) <= more) return 0;
  if (p[1] < low || p[1] > high) return 0;
  for (std::size_t i = 2; i <= more; ++i) {
    if ((p[i] & 0xC0) != 0x80) return 0;
  }
  return more + 1;
}

}  // namespace

bool is_valid_utf8(std::string_view text) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const auto* end = p + text.size();
  while (p < end) {
    auto length = utf8_sequence_length(p, end);
    if (length == 0) return false;
    p += length;
  }
  return true;
}

namespace {

// The code point of the valid UTF-8 sequence of `length` bytes at `p`.
char32_t code_point(const unsigned char* p, std::size_t length) {
  static constexpr unsigned char kLeadBits[] = {0x7F, 0x1F, 0x0F, 0x07};
  char32_t point = p[0] & kLeadBits[length - 1];
  for (std::size_t i = 1; i < length; ++i) point = (point << 6) | (p[i] & 0x3F);
  return point;
}

// C0, DEL and C1 controls (tabs and line breaks among them), the line and paragraph
// separators, and the bidirectional marks, embeddings, overrides and isolates (which could make
// a page show another text than the one stored).
bool hidden_from_display(char32_t point) {
  return point < 0x20 || (point >= 0x7F && point <= 0x9F) || point == 0x061C || point == 0x200E || point == 0x200F ||
         point == 0x2028 || point == 0x2029 || (point >= 0x202A && point <= 0x202E) ||
         (point >= 0x2066 && point <= 0x2069);
}

}  // namespace

std::string display_text(std::string_view text, std::size_t max_bytes) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const auto* end = p + text.size();
  std::string out;
  while (p < end) {
    auto length = utf8_sequence_length(p, end);
    if (length == 0) {
      ++p;  // not a character: drop the byte and read on
      continue;
    }
    if (!hidden_from_display(code_point(p, length))) {
      if (out.size() + length > max_bytes) break;
      out.append(reinterpret_cast<const char*>(p), length);
    }
    p += length;
  }
  return out;
}

std::optional<std::string> text_field_problem(std::string_view text) {
  if (text.find('\0') != std::string_view::npos) return std::string(kNullCharactersMessage);
  if (!is_valid_utf8(text)) return std::string(kInvalidUtf8Message);
  return std::nullopt;
}

namespace {

std::vector<unsigned char> random_bytes(std::size_t bytes) {
  std::vector<unsigned char> buffer(bytes);
  if (RAND_bytes(buffer.data(), static_cast<int>(buffer.size())) != 1) {
    throw std::runtime_error("no randomness available");
  }
  return buffer;
}

std::string to_hex(const std::vector<unsigned char>& bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char b : bytes) {
    out += kHex[b >> 4];
    out += kHex[b & 15];
  }
  return out;
}

}  // namespace

std::string random_hex(std::size_t bytes) { return to_hex(random_bytes(bytes)); }

std::string unique_hex(std::size_t bytes) {
  thread_local std::mt19937_64 generator = [] {
    auto seed_bytes = random_bytes(32);
    std::seed_seq seed(seed_bytes.begin(), seed_bytes.end());
    return std::mt19937_64(seed);
  }();
  std::vector<unsigned char> buffer(bytes);
  for (std::size_t i = 0; i < bytes; i += 8) {
    std::uint64_t word = generator();
    for (std::size_t j = i; j < std::min(bytes, i + 8); ++j, word >>= 8) buffer[j] = static_cast<unsigned char>(word);
  }
  return to_hex(buffer);
}

}  // namespace common
