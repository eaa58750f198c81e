#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

// What the links in account mails carry: the token, and djoser's "uid" (the user id in
// base64url of its decimal digits, djoser's encode_uid), so an SPA written for djoser can send
// both back.
namespace auth {

std::string uid_of(std::int64_t user_id);
// nullopt for anything but the uid of a positive id.
std::optional<std::int64_t> user_id_of_uid(std::string_view uid);

// `link_template` with "{token}" and "{uid}" replaced.
std::string fill_link(std::string link_template, const std::string& token, std::int64_t user_id);

}  // namespace auth
