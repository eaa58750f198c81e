#include "auth/accounts/audit_log.hpp"

#include "common/core/epoch.hpp"
#include "common/core/log.hpp"
#include "common/pg/statement.hpp"
#include "common/pg/transactions.hpp"

#include <limits>

namespace auth {
namespace {

const common::Statement kInsert{"audit_insert",
                                "INSERT INTO audit_log (actor, action, target_user, client_ip, detail) "
                                "VALUES ($1, $2, NULLIF($3::bigint, 0), $4, $5::jsonb) RETURNING id"};
// ($2 = 0 OR ...): one statement for the whole log and for one user's part of it.
const common::Statement kNewest{"audit_newest",
                                "SELECT id, EXTRACT(EPOCH FROM at)::float8 AS at, actor, action, "
                                "COALESCE(target_user, 0) AS target_user, client_ip, detail::text AS detail "
                                "FROM audit_log WHERE id < $1 AND ($2::bigint = 0 OR target_user = $2::bigint) "
                                "ORDER BY id DESC LIMIT $3"};

}  // namespace

void AuditLog::prepare(pqxx::connection& c) {
  for (const auto* statement : {&kInsert, &kNewest}) statement->prepare(c);
}

std::int64_t AuditLog::record(pqxx::work& tx, const AuditEntry& entry) {
  return common::exec1(tx, kInsert, entry.actor.name, entry.action, entry.target_user, entry.actor.client_ip,
                       entry.detail.dump())[0]
      .as<std::int64_t>();
}

void AuditLog::log_committed(const AuditEntry& entry, std::int64_t id) {
  common::log::info("audit", {{"audit_id", id},
                              {"actor", entry.actor.name},
                              {"action", entry.action},
                              {"target_user", entry.target_user},
                              {"client_ip", entry.actor.client_ip},
                              {"detail", entry.detail}});
}

std::vector<AuditEvent> AuditLog::newest(std::int64_t target_user, std::int64_t before_id, int limit) {
  if (before_id <= 0) before_id = std::numeric_limits<std::int64_t>::max();
  return common::read(pool_, [&](pqxx::nontransaction& tx) {
    std::vector<AuditEvent> events;
    for (const auto& row : common::exec(tx, kNewest, before_id, target_user, limit)) {
      events.push_back({row["id"].as<std::int64_t>(), common::from_epoch_float(row["at"].as<double>()),
                        row["actor"].as<std::string>(), row["action"].as<std::string>(),
                        row["target_user"].as<std::int64_t>(), row["client_ip"].as<std::string>(),
                        row["detail"].as<std::string>()});
    }
    return events;
  });
}

}  // namespace auth
