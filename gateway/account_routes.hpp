#pragma once

#include "gateway/refresh_cookie.hpp"
#include "gateway/router.hpp"
#include "gateway/upstreams.hpp"

namespace gateway {

// The caller's account, forwarded to the auth service: the profile (read, update, delete),
// password change and reset, email verification and its resending.
void add_account_routes(Router& router, Upstreams& upstreams, RefreshCookie cookie = {});

}  // namespace gateway
