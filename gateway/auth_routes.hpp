#pragma once

#include "gateway/refresh_cookie.hpp"
#include "gateway/router.hpp"
#include "gateway/upstreams.hpp"

namespace gateway {

// Registration, login, refresh, verify and logout routes and their seed aliases, forwarded to
// the auth service.
void add_auth_routes(Router& router, Upstreams& upstreams, RefreshCookie cookie = {});

}  // namespace gateway
