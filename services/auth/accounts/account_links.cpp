#include "auth/accounts/account_links.hpp"

#include "common/core/base64url.hpp"

#include <algorithm>
#include <cctype>

namespace auth {
namespace {

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

}  // namespace

std::string uid_of(std::int64_t user_id) { return common::base64url_encode(std::to_string(user_id)); }

std::optional<std::int64_t> user_id_of_uid(std::string_view uid) {
  auto digits = common::base64url_decode(uid);
  if (!digits || digits->empty() || digits->size() > 18 || digits->front() == '0') return std::nullopt;
  if (!std::all_of(digits->begin(), digits->end(), [](unsigned char c) { return std::isdigit(c); })) {
    return std::nullopt;
  }
  return std::stoll(*digits);
}

std::string fill_link(std::string link_template, const std::string& token, std::int64_t user_id) {
  return replace_all(replace_all(std::move(link_template), "{token}", token), "{uid}", uid_of(user_id));
}

}  // namespace auth
