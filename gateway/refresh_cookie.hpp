#pragma once

#include "auth/v1/auth.pb.h"
#include "gateway/router.hpp"

#include <optional>
#include <string>

namespace gateway {

// Cookie mode for single-page apps (API.md): login, registration and refresh also set the
// refresh token as an HttpOnly cookie, and refresh and logout read it when the body has none,
// so a page's script never needs to hold the refresh token.
struct RefreshCookie {
  bool enabled = false;
  bool secure = true;  // off only for plain-http development

  // The cookie's token in cookie mode; nullopt otherwise or when the request has none.
  std::optional<std::string> read(const RequestContext& ctx) const;
  // Sets the cookie to `tokens.refresh()`, living as long as it (cookie mode only).
  void set(RequestContext& ctx, const auth::v1::TokenPair& tokens) const;
  // Expires the cookie (cookie mode only).
  void clear(RequestContext& ctx) const;
};

}  // namespace gateway
