#pragma once

#include "gateway/gateway_config.hpp"
#include "gateway/router.hpp"
#include "gateway/upstreams.hpp"

namespace gateway {

// Registration, login, refresh, verify and logout routes, forwarded to the auth service.
void add_auth_routes(Router& router, Upstreams& upstreams, const RefreshCookieConfig& refresh_cookie);

}  // namespace gateway
