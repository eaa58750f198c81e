#pragma once

#include "common/metrics.hpp"
#include "common/pg_pool.hpp"

#include <vector>

namespace common::metrics {

// db_pool_size, db_pool_connections_open, db_pool_connections_in_use and
// db_pool_exhausted_total for `pool`, read when scraped, while the registrations live.
[[nodiscard]] std::vector<Registration> add_pool_metrics(Registry& registry, const PgPool& pool);

}  // namespace common::metrics
