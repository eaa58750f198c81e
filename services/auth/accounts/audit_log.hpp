#pragma once

#include "common/pg/pg_pool.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace auth {

// Who did an admin action, and from where.
struct Actor {
  std::string name;       // "user:<id>", "service:<name>" or "cli:<os user>"
  std::string client_ip;  // "" from the CLI
};

// One admin action, as it is written.
struct AuditEntry {
  Actor actor;
  std::string action;            // "user.deactivate", "service_key.create", ...
  std::int64_t target_user = 0;  // 0: none
  nlohmann::json detail = nlohmann::json::object();
};

// One row of the log, as it is read.
struct AuditEvent {
  std::int64_t id = 0;
  std::chrono::system_clock::time_point at;
  std::string actor;
  std::string action;
  std::int64_t target_user = 0;
  std::string client_ip;
  std::string detail;  // JSON
};

// The audit_log table (migration 009): written in the transaction of the change it records, so
// the log holds every change that committed and nothing that did not.
class AuditLog final {
 public:
  explicit AuditLog(common::PgPool& pool) : pool_(pool) {}

  static void prepare(pqxx::connection& connection);

  // Writes `entry` in `tx`; returns its id.
  static std::int64_t record(pqxx::work& tx, const AuditEntry& entry);
  // The JSON log line of an entry that committed as `id`.
  static void log_committed(const AuditEntry& entry, std::int64_t id);

  // Newest first: at most `limit` events with ids below `before_id` (0: from the newest), about
  // `target_user` (0: everyone).
  std::vector<AuditEvent> newest(std::int64_t target_user, std::int64_t before_id, int limit);

 private:
  common::PgPool& pool_;
};

}  // namespace auth
