#pragma once

#include "common/core/bounded_executor.hpp"
#include "common/grpc/grpc_runtime.hpp"
#include "common/pg/pg_pool.hpp"
#include "content/account_data_service.hpp"
#include "content/content_service.hpp"

#include <cstddef>
#include <string>

namespace content {

// Prepares every statement of the content stores on a new pooled connection.
void prepare_content_statements(pqxx::connection& connection);

// The content service behind its gRPC face, wired once for the server and the tests: the pool,
// the stores, and the database executor (one thread per pooled connection, so database work
// never waits for the pool; at most `max_queued_calls` wait). All but one of gRPC's callback
// threads may run a call's database work themselves while a worker's share is free (issue 15:
// the hand-off cost more than the read); the one left keeps answering whatever the database
// does. Migrations must have run before.
struct ContentComponents {
  // `service_tokens`: the auth service's service tokens (AccountDataService).
  ContentComponents(const std::string& database_url, std::size_t pool_size, std::size_t max_queued_calls,
                    const CallerAuthenticator& authenticator, const common::TokenVerifier& service_tokens)
      : pool(database_url, pool_size, prepare_content_statements),
        posts(pool),
        tasks(pool),
        database_work(pool_size, max_queued_calls, "content-db", common::grpc_callback_threads() - 1),
        service(posts, tasks, authenticator, database_work),
        account_data(pool, service_tokens, database_work) {}

  common::PgPool pool;
  PostStore posts;
  TaskStore tasks;
  common::BoundedExecutor database_work;
  ContentServiceImpl service;
  AccountDataServiceImpl account_data;
};

}  // namespace content
