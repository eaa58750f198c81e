#pragma once

#include "common/core/outage.hpp"
#include "common/pg/pg_errors.hpp"

#include <pqxx/pqxx>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

namespace common {

// No connection became free (or could be opened) in time: the caller answers UNAVAILABLE.
class PoolExhausted : public Outage {
 public:
  explicit PoolExhausted(const std::string& detail) : Outage("database busy", detail) {}
};

// `url` with libpq's connect timeout, TCP user timeout and keepalives set (unless it sets
// them): a PostgreSQL that went silent is noticed in seconds, not in TCP's minutes.
std::string with_connection_defaults(const std::string& url);

// A fixed-size pool of libpqxx connections. Connections open lazily, get their prepared
// statements on open, and are dropped (reopened on next use) after a broken-connection error.
class PgPool final {
 public:
  using Prepare = std::function<void(pqxx::connection&)>;

  PgPool(std::string url, std::size_t size, Prepare prepare,
         std::chrono::milliseconds acquire_timeout = std::chrono::seconds(5));
  PgPool(const PgPool&) = delete;
  PgPool& operator=(const PgPool&) = delete;

  // Runs `work` on a pooled connection. An error that leaves the connection closed drops it,
  // so the next call reconnects, and propagates as an outage (is_pg_outage()): libpq
  // reports a server that went away mid-statement as an sql_error without SQLSTATE.
  template <class Work>
  auto with_connection(Work&& work) -> decltype(work(std::declval<pqxx::connection&>())) {
    Lease lease(*this);
    try {
      return work(*lease.connection);
    } catch (const std::exception& error) {
      if (dynamic_cast<const pqxx::broken_connection*>(&error) || !lease.connection->is_open()) {
        lease.broken = true;
        if (!is_pg_outage(error)) throw pqxx::broken_connection(error.what());
      }
      throw;
    }
  }

  std::size_t size() const { return size_; }

  struct Usage {
    std::size_t open = 0;         // connections made (idle + leased)
    std::size_t leased = 0;       // in use by a call now
    std::uint64_t exhausted = 0;  // acquisitions that timed out since start
  };
  Usage usage() const;

 private:
  struct Lease {
    explicit Lease(PgPool& pool);
    ~Lease();
    PgPool& pool;
    std::unique_ptr<pqxx::connection> connection;
    bool broken = false;
  };
  std::unique_ptr<pqxx::connection> acquire();
  void release(std::unique_ptr<pqxx::connection> connection, bool broken);

  std::string url_;
  std::size_t size_;
  Prepare prepare_;
  std::chrono::milliseconds acquire_timeout_;
  mutable std::mutex mutex_;
  std::condition_variable released_;
  std::vector<std::unique_ptr<pqxx::connection>> idle_;
  std::size_t open_ = 0;  // idle + leased
  std::uint64_t exhausted_ = 0;
};

}  // namespace common
