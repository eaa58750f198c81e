#pragma once

#include "gateway/refresh_cookie.hpp"
#include "gateway/router.hpp"
#include "gateway/upstreams.hpp"

namespace gateway {

// djoser 2's base and JWT endpoints, mounted at /auth/ as `path("auth/", include("djoser.urls"))`
// and `include("djoser.urls.jwt")` mount them, with djoser's default settings: its field names,
// status codes and shapes, on the same auth RPCs as the canonical routes.
void add_djoser_routes(Router& router, Upstreams& upstreams, RefreshCookie cookie = {});

}  // namespace gateway
