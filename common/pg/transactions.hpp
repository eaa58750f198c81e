#pragma once

#include "common/pg/pg_pool.hpp"

#include <pqxx/pqxx>

#include <type_traits>
#include <utility>

namespace common {

// The ways a store talks to PostgreSQL. Each takes a pooled connection for the length of
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

// `work` in a `Transaction` that commits when it returns (read_snapshot, write).
template <class Transaction, class Work>
auto committed(PgPool& pool, Work&& work) {
  return pool.with_connection([&](pqxx::connection& c) {
    Transaction tx(c);
    if constexpr (std::is_void_v<decltype(work(tx))>) {
      work(tx);
      tx.commit();
    } else {
      auto result = work(tx);
      tx.commit();
      return result;
    }
  });
}

using ReadSnapshot = pqxx::transaction<pqxx::repeatable_read, pqxx::read_only>;

// Several reads that must agree (a page and its count): one read-only snapshot.
template <class Work>
auto read_snapshot(PgPool& pool, Work&& work) {
  return committed<ReadSnapshot>(pool, std::forward<Work>(work));
}

// Writes that commit together, or not at all.
template <class Work>
auto write(PgPool& pool, Work&& work) {
  return committed<pqxx::work>(pool, std::forward<Work>(work));
}

// One statement that writes, autocommitted: PostgreSQL wraps it in a transaction of its own that
// commits before the answer comes back, as durable as write()'s, in one round trip instead of
// three (issue 15). A connection lost meanwhile leaves the outcome unknown, and says so.
template <class Work>
auto write_one(PgPool& pool, Work&& work) {
  return pool.with_connection([&](pqxx::connection& c) {
    pqxx::nontransaction tx(c);
    try {
      return work(tx);
    } catch (const pqxx::broken_connection& lost) {
      throw pqxx::in_doubt_error(lost.what());
    }
  });
}

// Writes that commit only when `work` returns a value: an empty std::optional rolls back what
// `work` wrote (a verification that must not consume its token when it fails).
template <class Work>
auto write_if_found(PgPool& pool, Work&& work) {
  return pool.with_connection([&](pqxx::connection& c) {
    pqxx::work tx(c);
    auto result = work(tx);
    if (result) tx.commit();
    return result;
  });
}

}  // namespace common
