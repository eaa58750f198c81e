#pragma once

#include <pqxx/pqxx>

#include <string>
#include <string_view>
#include <vector>

namespace common {

struct Migration {
  int version;
  std::string name;
  std::string sql;
};

// Applies the migrations not yet recorded in schema_migrations, in version order, in one
// transaction under an advisory lock keyed by `component`, so replicas may start together.
// Returns how many were applied.
int apply_migrations(pqxx::connection& connection, std::string_view component,
                     const std::vector<Migration>& migrations);

}  // namespace common
