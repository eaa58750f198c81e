#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace common {

// Strips leading and trailing whitespace, as DRF's CharField does by default.
std::string trim(std::string_view text);
// Characters, not bytes: what Django's max_length counts.
std::size_t utf8_length(std::string_view text);
// `bytes` random bytes (OpenSSL's CSPRNG) as lower-case hex: token ids, request ids.
std::string random_hex(std::size_t bytes);

}  // namespace common
