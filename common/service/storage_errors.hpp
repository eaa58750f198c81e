#pragma once

#include <exception>
#include <string>

// One honest answer for a storage failure: a lost, refused or busy PostgreSQL or Redis (at any
// statement, COMMIT included) is an outage the caller may retry later or on another replica,
// never a bug. What remains (a constraint we did not expect, a syntax error, a bad conversion)
// is a bug and stays INTERNAL.
namespace common {

// True when `error` says PostgreSQL, the connection pool or Redis is down, overloaded or lost
// the connection, or that a token's revocation cannot be checked (RevocationUnknown): the RPC
// answers UNAVAILABLE.
bool is_storage_outage(const std::exception& error);

// A short reason for the log and the status message: "database unavailable", "database busy",
// "database commit outcome unknown", "redis unavailable", "revocations cannot be checked".
std::string storage_outage_reason(const std::exception& error);

}  // namespace common
