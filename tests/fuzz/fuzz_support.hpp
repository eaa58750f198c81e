#pragma once

// What the fuzz targets share: a check that stays on in every build type and makes libFuzzer
// keep the input as a crash, and a way to split an input into text fields.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#define FUZZ_CHECK(condition)                                                                 \
  do {                                                                                        \
    if (!(condition)) {                                                                       \
      std::fprintf(stderr, "%s:%d: FUZZ_CHECK failed: %s\n", __FILE__, __LINE__, #condition); \
      std::abort();                                                                           \
    }                                                                                         \
  } while (false)

namespace fuzz {

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// The text before the first '\n' (all of it when there is none); `rest` keeps what follows.
inline std::string next_line(std::string_view& rest) {
  auto newline = rest.find('\n');
  std::string line(rest.substr(0, newline));
  rest = newline == std::string_view::npos ? std::string_view() : rest.substr(newline + 1);
  return line;
}

}  // namespace fuzz
