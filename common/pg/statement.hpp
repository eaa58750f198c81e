#pragma once

#include <pqxx/pqxx>

#include <string>
#include <utility>

namespace common {

// A prepared statement's name and SQL, kept together as a constant next to the store that runs
// it: the name is never spelled twice, and the SQL is read where it is used.
struct Statement {
  std::string name;
  std::string sql;

  void prepare(pqxx::connection& connection) const { connection.prepare(name, sql); }
};

// Runs `statement` with `args` as its parameters ($1, $2, ...) in `tx`.
template <class Transaction, class... Args>
pqxx::result exec(Transaction& tx, const Statement& statement, Args&&... args) {
  return tx.exec_prepared(statement.name, std::forward<Args>(args)...);
}

// The same, for a statement that returns exactly one row (else pqxx::unexpected_rows).
template <class Transaction, class... Args>
pqxx::row exec1(Transaction& tx, const Statement& statement, Args&&... args) {
  return tx.exec_prepared1(statement.name, std::forward<Args>(args)...);
}

}  // namespace common
