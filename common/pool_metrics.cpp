#include "common/pool_metrics.hpp"

namespace common::metrics {

std::vector<Registration> add_pool_metrics(Registry& registry, const PgPool& pool) {
  std::vector<Registration> out;
  out.push_back(registry.callback("db_pool_size", "PostgreSQL connections the pool may open", "gauge",
                                  [&pool] { return static_cast<double>(pool.size()); }));
  out.push_back(registry.callback("db_pool_connections_open", "PostgreSQL connections open", "gauge",
                                  [&pool] { return static_cast<double>(pool.usage().open); }));
  out.push_back(registry.callback("db_pool_connections_in_use", "PostgreSQL connections leased by a call",
                                  "gauge", [&pool] { return static_cast<double>(pool.usage().leased); }));
  out.push_back(registry.callback("db_pool_exhausted_total",
                                  "calls refused because no connection became free in time", "counter",
                                  [&pool] { return static_cast<double>(pool.usage().exhausted); }));
  return out;
}

}  // namespace common::metrics
