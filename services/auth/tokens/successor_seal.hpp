#pragma once

#include <optional>
#include <string>
#include <string_view>

// Seals the token pair issued by a rotation under a key derived from the refresh token that
// was rotated (AES-256-GCM, key = SHA-256 of a label and that token). Whoever presents the
// same refresh token again within the grace window can open it; the database alone cannot.
namespace auth {

std::string seal_successor(std::string_view rotated_token, std::string_view plaintext);
// nullopt when the key is wrong or the sealed bytes were altered.
std::optional<std::string> open_successor(std::string_view rotated_token, std::string_view sealed);

}  // namespace auth
