#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace common {

// Strips leading and trailing whitespace, as DRF's CharField does by default.
std::string trim(std::string_view text);
// Characters, not bytes: what Django's max_length counts.
std::size_t utf8_length(std::string_view text);
// Why `text` cannot be the value of a text field, in DRF's words, or nullopt when it can: a NUL
// byte (libpq would silently cut the text there) or invalid UTF-8 (overlong forms, surrogates
// and code points above U+10FFFF included). Every string from a client passes this.
std::optional<std::string> text_field_problem(std::string_view text);
bool is_valid_utf8(std::string_view text);
// Text from a client that is only ever shown (a User-Agent on the sessions page): invalid UTF-8
// dropped, and so are control characters (C0, DEL, C1), line and paragraph separators and
// bidirectional formatting; cut to at most `max_bytes` on a character boundary.
std::string display_text(std::string_view text, std::size_t max_bytes);
inline constexpr const char* kNullCharactersMessage = "Null characters are not allowed.";
inline constexpr const char* kInvalidUtf8Message = "Enter valid UTF-8 text.";

// `bytes` random bytes (OpenSSL's CSPRNG) as lower-case hex: token ids, secrets.
std::string random_hex(std::size_t bytes);
// `bytes` random bytes as hex for identifiers that must be unique but need not be secret
// (request and trace ids): a per-thread generator seeded from random_hex's source, several
// times cheaper than asking OpenSSL's DRBG for every request (issue 15). Never for tokens.
std::string unique_hex(std::size_t bytes);

}  // namespace common
