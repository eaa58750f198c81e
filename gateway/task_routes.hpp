#pragma once

#include "gateway/router.hpp"
#include "gateway/upstreams.hpp"

namespace gateway {

// /api/tasks/ and /api/tasks/{id}/, and seed 003's aliases under /tasks/.
void add_task_routes(Router& router, Upstreams& upstreams);

}  // namespace gateway
