#pragma once

#include "gateway/router.hpp"
#include "gateway/upstreams.hpp"

namespace gateway {

// Seed 002's authenticated dashboard: GET and POST /api/dashboard/.
void add_dashboard_routes(Router& router, Upstreams& upstreams);

}  // namespace gateway
