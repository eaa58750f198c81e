#pragma once

#include "common/pg/pg_pool.hpp"

#include <chrono>
#include <cstdint>
#include <stop_token>

namespace auth {

// Deletes rows nothing can need any more: revocations and families whose tokens have all
// expired (their tokens fail on exp anyway), expired verification and reset tokens, deletions content acknowledged a
// month ago, and mails sent a week ago or given up a month ago. Returns the rows deleted.
std::int64_t purge_expired_rows(common::PgPool& pool);

// purge_expired_rows() and fill_identity_keys() every `interval` until `stop`. Safe on several
// replicas at once.
void run_housekeeping(common::PgPool& pool, std::stop_token stop,
                      std::chrono::seconds interval = std::chrono::hours(1));

}  // namespace auth
