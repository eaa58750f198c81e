#pragma once

#include "common/pg/pg_pool.hpp"

#include <pqxx/pqxx>

namespace common {

// The three ways a store talks to PostgreSQL. Each takes a pooled connection for the length of
// `work(tx)` and returns what it returns; a failure rolls back and propagates (PgPool drops a
// connection the failure closed).

// One statement that reads: no BEGIN/COMMIT, one round trip instead of three.
template <class Work>
auto read(PgPool& pool, Work&& work) {
  return pool.with_connection([&](pqxx::connection& c) {
    pqxx::nontransaction tx(c);
    return work(tx);
  });
}

// Several reads that must agree (a page and its count): one read-only snapshot.
template <class Work>
auto read_snapshot(PgPool& pool, Work&& work) {
  return pool.with_connection([&](pqxx::connection& c) {
    pqxx::transaction<pqxx::repeatable_read, pqxx::read_only> tx(c);
    auto result = work(tx);
    tx.commit();
    return result;
  });
}

// Writes that commit together, or not at all.
template <class Work>
auto write(PgPool& pool, Work&& work) {
  return pool.with_connection([&](pqxx::connection& c) {
    pqxx::work tx(c);
    auto result = work(tx);
    tx.commit();
    return result;
  });
}

}  // namespace common
