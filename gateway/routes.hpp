#pragma once

#include "common/access/access_tokens.hpp"
#include "gateway/auth_routes.hpp"
#include "gateway/router.hpp"
#include "gateway/upstreams.hpp"

namespace gateway {

// The gateway's whole route table, built once for the server and once for the test that
// compares it with docs/openapi.yaml.
void add_all_routes(Router& router, Upstreams& upstreams, const common::AccessTokens& tokens, RefreshCookie cookie = {},
                    const std::atomic<bool>* draining = nullptr);

}  // namespace gateway
