#include "common/pg/pg_errors.hpp"

#include <pqxx/pqxx>

#include <string_view>

namespace common {
namespace {

// SQLSTATEs that describe the server or the link, not the statement
// (https://www.postgresql.org/docs/15/errcodes-appendix.html).
bool is_outage_sqlstate(std::string_view state) {
  if (state.size() != 5) return false;
  auto kind = state.substr(0, 2);
  return kind == "08"          // connection exception
         || kind == "53"       // insufficient resources: too many connections, disk full, out of memory
         || kind == "58"       // system error: I/O error
         || kind == "40"       // transaction rollback: serialization failure, deadlock (a retry can pass)
         || state == "57P01"   // admin_shutdown
         || state == "57P02"   // crash_shutdown
         || state == "57P03"   // cannot_connect_now: starting up or recovering
         || state == "57014"   // query_canceled: statement_timeout
         || state == "25006"   // read_only_sql_transaction: a standby after a failover
         || state == "55P03";  // lock_not_available: lock_timeout
}

}  // namespace

bool is_pg_outage(const std::exception& error) {
  if (dynamic_cast<const pqxx::broken_connection*>(&error) || dynamic_cast<const pqxx::in_doubt_error*>(&error) ||
      dynamic_cast<const pqxx::transaction_rollback*>(&error)) {
    return true;
  }
  if (const auto* sql = dynamic_cast<const pqxx::sql_error*>(&error)) return is_outage_sqlstate(sql->sqlstate());
  return false;
}

const char* pg_outage_reason(const std::exception& error) {
  if (dynamic_cast<const pqxx::in_doubt_error*>(&error)) return "database commit outcome unknown";
  return "database unavailable";
}

}  // namespace common
