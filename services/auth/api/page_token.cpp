#include "auth/api/page_token.hpp"

#include "common/core/base64url.hpp"

#include <charconv>

namespace auth::rpc {
namespace {

// base64url of 19 digits (the largest int64) is 26 characters.
constexpr std::size_t kMaxTokenLength = 26;

}  // namespace

std::string page_token_after(std::int64_t last_id) { return common::base64url_encode(std::to_string(last_id)); }

std::optional<std::int64_t> page_token_id(const std::string& token) {
  if (token.empty()) return 0;
  if (token.size() > kMaxTokenLength) return std::nullopt;
  auto digits = common::base64url_decode(token);
  if (!digits || digits->empty() || (*digits)[0] == '0') return std::nullopt;
  std::int64_t id = 0;
  const char* end = digits->data() + digits->size();
  auto [stop, error] = std::from_chars(digits->data(), end, id);
  // Digits only: from_chars also takes a leading '-', which `id <= 0` refuses.
  if (error != std::errc() || stop != end || id <= 0) return std::nullopt;
  return id;
}

}  // namespace auth::rpc
