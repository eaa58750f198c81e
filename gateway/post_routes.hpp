#pragma once

#include "gateway/router.hpp"
#include "gateway/upstreams.hpp"

namespace gateway {

// /api/posts/ and /api/posts/{id}/, forwarded to the content service with the caller's token.
void add_post_routes(Router& router, Upstreams& upstreams);

}  // namespace gateway
