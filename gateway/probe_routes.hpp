#pragma once

#include "common/access_tokens.hpp"
#include "gateway/router.hpp"
#include "gateway/upstreams.hpp"

namespace gateway {

// /healthz, /readyz and seed 004's /auth/csrf/: answered by the gateway itself.
void add_probe_routes(Router& router, Upstreams& upstreams, const common::AccessTokens& tokens);

}  // namespace gateway
