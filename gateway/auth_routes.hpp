#pragma once

#include "gateway/router.hpp"
#include "gateway/upstreams.hpp"

namespace gateway {

// Cookie mode for single-page apps (API.md): login, registration and refresh also set the
// refresh token as an HttpOnly cookie, and refresh and logout read it when the body has none,
// so a page's script never needs to hold the refresh token.
struct RefreshCookie {
  bool enabled = false;
  bool secure = true;  // off only for plain-http development
};

// Registration, login, refresh, verify and logout routes, forwarded to the auth service.
void add_auth_routes(Router& router, Upstreams& upstreams, RefreshCookie cookie = {});

}  // namespace gateway
