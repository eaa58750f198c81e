#pragma once

#include <cstdint>
#include <optional>
#include <string>

// The admin API's page tokens: the id of the last row of the previous page, as base64url of its
// decimal digits. Opaque to clients, so the paging scheme may change; and parsed strictly,
// because every token arrives from a client.
namespace auth::rpc {

std::string page_token_after(std::int64_t last_id);

// 0 for the empty token (the first page); nullopt for anything that is not a token we made.
std::optional<std::int64_t> page_token_id(const std::string& token);

}  // namespace auth::rpc
