#include "common/pg/migrations.hpp"

#include <algorithm>
#include <set>

namespace common {

int apply_migrations(pqxx::connection& connection, std::string_view component,
                     const std::vector<Migration>& migrations) {
  std::vector<const Migration*> ordered;
  for (const auto& m : migrations) ordered.push_back(&m);
  std::sort(ordered.begin(), ordered.end(),
            [](const Migration* a, const Migration* b) { return a->version < b->version; });

  pqxx::work tx(connection);
  tx.exec_params("SELECT pg_advisory_xact_lock(hashtext($1))", std::string(component));
  tx.exec(
      "CREATE TABLE IF NOT EXISTS schema_migrations ("
      " version INTEGER PRIMARY KEY,"
      " name TEXT NOT NULL,"
      " applied_at TIMESTAMPTZ NOT NULL DEFAULT now())");
  std::set<int> applied;
  for (const auto& row : tx.exec("SELECT version FROM schema_migrations")) {
    applied.insert(row["version"].as<int>());
  }
  int count = 0;
  for (const Migration* m : ordered) {
    if (applied.count(m->version)) continue;
    tx.exec(m->sql);
    tx.exec_params("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", m->version, m->name);
    ++count;
  }
  tx.commit();
  return count;
}

}  // namespace common
