#pragma once

#include "common/pg/pg_pool.hpp"

#include <pqxx/pqxx>

#include <cstdint>
#include <string>
#include <vector>

namespace auth {

// A row whose canonical key another (older, or already keyed) account holds.
struct IdentityConflict {
  std::int64_t user_id;
  std::string field;  // "username" or "email"
  std::int64_t holder_id;
};

struct IdentityKeyReport {
  std::int64_t filled = 0;  // keys written
  std::vector<IdentityConflict> conflicts;
};

// Gives every user row its missing lookup keys (auth/identity.hpp, migration 005), in id order
// under the "auth" migration lock, so replicas starting together fill each row once. Collision
// policy: the account that holds a key first (the oldest, when none had keys) keeps it; a later
// row that folds to the same key keeps its username/email but no key, so no login or
// registration can reach it under that identifier, and it is reported (logged by the callers
// on every run) until an operator renames it. Never throws for a collision: a start-up must not
// crash-loop on old data.
IdentityKeyReport fill_identity_keys(pqxx::connection& connection);
IdentityKeyReport fill_identity_keys(common::PgPool& pool);
// Logs what a fill did: an info line when keys were filled, a warning per conflict.
void log_identity_key_report(const IdentityKeyReport& report);

// The auth database's start-up step: the SQL migrations (common::apply_migrations), then
// fill_identity_keys. Returns how many migrations were applied.
int migrate(pqxx::connection& connection);

}  // namespace auth
