#pragma once

#include "common/access/access_tokens.hpp"
#include "gateway/router.hpp"
#include "gateway/upstreams.hpp"

#include <atomic>

namespace gateway {

// /healthz, /readyz and seed 004's /auth/csrf/: answered by the gateway itself. /readyz says
// 503 while `draining` (shutting down, still serving), when given.
void add_probe_routes(Router& router, Upstreams& upstreams, const common::AccessTokens& tokens,
                      const std::atomic<bool>* draining);

}  // namespace gateway
