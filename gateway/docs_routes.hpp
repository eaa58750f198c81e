#pragma once

#include "gateway/router.hpp"

namespace gateway {

// The API's OpenAPI document (/api/openapi.yaml, /api/openapi.json) and its page (/api/docs/).
void add_docs_routes(Router& router);

}  // namespace gateway
