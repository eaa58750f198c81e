#pragma once

#include "gateway/router.hpp"
#include "gateway/upstreams.hpp"

namespace gateway {

// The caller's sessions (refresh-token families, one per login): list them, end one, end all
// but the current one. Forwarded to the auth service.
void add_session_routes(Router& router, Upstreams& upstreams);

}  // namespace gateway
