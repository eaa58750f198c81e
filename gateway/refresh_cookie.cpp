#include "gateway/refresh_cookie.hpp"

#include "common/core/epoch.hpp"
#include "gateway/browser_security.hpp"

#include <algorithm>

namespace gateway {
namespace {

constexpr const char* kRefreshCookie = "refresh_token";

}  // namespace

std::optional<std::string> RefreshCookie::read(const RequestContext& ctx) const {
  return enabled ? cookie_value(ctx.http, kRefreshCookie) : std::nullopt;
}

void RefreshCookie::set(RequestContext& ctx, const auth::v1::TokenPair& tokens) const {
  if (!enabled || tokens.refresh().empty()) return;
  auto seconds_left = tokens.refresh_expires_at().seconds() - common::epoch_seconds(std::chrono::system_clock::now());
  ctx.response.set_header("Set-Cookie", std::string(kRefreshCookie) + "=" + tokens.refresh() +
                                            "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" +
                                            std::to_string(std::max<std::int64_t>(seconds_left, 0)) +
                                            (secure ? "; Secure" : ""));
}

void RefreshCookie::clear(RequestContext& ctx) const {
  if (!enabled) return;
  ctx.response.set_header(
      "Set-Cookie",
      std::string(kRefreshCookie) + "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0" + (secure ? "; Secure" : ""));
}

}  // namespace gateway
