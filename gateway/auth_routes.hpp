#pragma once

#include "gateway/router.hpp"
#include "gateway/upstreams.hpp"

namespace gateway {

// Registration, login, refresh, verify and logout routes, forwarded to the auth service.
void add_auth_routes(Router& router, Upstreams& upstreams);

}  // namespace gateway
