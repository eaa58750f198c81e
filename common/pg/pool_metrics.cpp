#include "common/pg/pool_metrics.hpp"

namespace common::metrics {

std::vector<Registration> add_pool_metrics(Registry& registry, const PgPool& pool) {
  std::vector<Registration> out;
  out.push_back(registry.callback("db_pool_size", "PostgreSQL connections the pool may open", "gauge",
                                  [&pool] { return static_cast<double>(pool.size()); }));
  out.push_back(registry.callback("db_pool_connections_open", "PostgreSQL connections open", "gauge",
                                  [&pool] { return static_cast<double>(pool.usage().open); }));
  out.push_back(registry.callback("db_pool_connections_in_use", "PostgreSQL connections leased by a call", "gauge",
                                  [&pool] { return static_cast<double>(pool.usage().leased); }));
  out.push_back(registry.callback("db_pool_exhausted_total", "calls refused because no connection became free in time",
                                  "counter", [&pool] { return static_cast<double>(pool.usage().exhausted); }));
  return out;
}

std::vector<Registration> add_executor_metrics(Registry& registry, const BoundedExecutor& executor) {
  std::vector<Registration> out;
  out.push_back(registry.callback("db_executor_threads", "threads running database work", "gauge",
                                  [&executor] { return static_cast<double>(executor.usage().threads); }));
  out.push_back(registry.callback("db_executor_busy", "database work running now", "gauge",
                                  [&executor] { return static_cast<double>(executor.usage().busy); }));
  out.push_back(registry.callback("db_executor_inline", "of the database work running now, on gRPC's own threads",
                                  "gauge",
                                  [&executor] { return static_cast<double>(executor.usage().running_inline); }));
  out.push_back(registry.callback("db_executor_queued", "calls waiting for a database thread", "gauge",
                                  [&executor] { return static_cast<double>(executor.usage().queued); }));
  out.push_back(registry.callback("db_executor_refused_total",
                                  "calls refused (503) because too many were waiting for the database", "counter",
                                  [&executor] { return static_cast<double>(executor.usage().refused); }));
  return out;
}

}  // namespace common::metrics
