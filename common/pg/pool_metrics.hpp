#pragma once

#include "common/core/bounded_executor.hpp"
#include "common/metrics/metrics.hpp"
#include "common/pg/pg_pool.hpp"

#include <vector>

namespace common::metrics {

// db_pool_size, db_pool_connections_open, db_pool_connections_in_use and
// db_pool_exhausted_total for `pool`, read when scraped, while the registrations live.
[[nodiscard]] std::vector<Registration> add_pool_metrics(Registry& registry, const PgPool& pool);

// db_executor_threads, db_executor_busy, db_executor_queued and db_executor_refused_total.
[[nodiscard]] std::vector<Registration> add_executor_metrics(Registry& registry, const BoundedExecutor& executor);

}  // namespace common::metrics
