#pragma once

#include <exception>

namespace common {

// True when a libpqxx error says PostgreSQL is down, overloaded or lost the connection (at any
// statement, COMMIT included), rather than that the statement was wrong.
bool is_pg_outage(const std::exception& error);

// "database commit outcome unknown" for a lost COMMIT, else "database unavailable".
const char* pg_outage_reason(const std::exception& error);

}  // namespace common
