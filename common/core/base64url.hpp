#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace common {

// RFC 4648 §5 without padding, as JWS uses it.
std::string base64url_encode(std::string_view bytes);
// Strict: rejects padding, whitespace and characters outside the URL-safe alphabet.
std::optional<std::string> base64url_decode(std::string_view text);

}  // namespace common
