#include "auth/accounts/identity_keys.hpp"

#include "auth/accounts/identity.hpp"
#include "auth/schema.hpp"
#include "common/core/log.hpp"

namespace auth {

IdentityKeyReport fill_identity_keys(pqxx::connection& connection) {
  IdentityKeyReport report;
  pqxx::work tx(connection);
  // The lock apply_migrations takes: one replica fills, the others then find nothing to do.
  tx.exec_params("SELECT pg_advisory_xact_lock(hashtext($1))", std::string("auth"));
  auto rows = tx.exec(
      "SELECT id, username, email, username_key IS NULL AS username_missing, email_key IS NULL AS email_missing "
      "FROM users WHERE (username IS NOT NULL AND username_key IS NULL) "
      "OR (email IS NOT NULL AND email_key IS NULL) ORDER BY id");
  for (const auto& row : rows) {
    auto id = row["id"].as<std::int64_t>();
    struct Field {
      const char* name;
      std::string (*key_of)(std::string_view);
      const char* holder_sql;
      const char* update_sql;
    };
    for (const Field& field : {Field{"username", identity::username_key, "SELECT id FROM users WHERE username_key = $1",
                                     "UPDATE users SET username_key = $2 WHERE id = $1"},
                               Field{"email", identity::email_key, "SELECT id FROM users WHERE email_key = $1",
                                     "UPDATE users SET email_key = $2 WHERE id = $1"}}) {
      std::string name = field.name;
      if (row[name].is_null() || !row[name + "_missing"].as<bool>()) continue;
      std::string key = field.key_of(row[name].as<std::string>());
      auto holder = tx.exec_params(field.holder_sql, key);
      if (!holder.empty()) {
        report.conflicts.push_back({id, name, holder[0]["id"].as<std::int64_t>()});
        continue;
      }
      tx.exec_params(field.update_sql, id, key);
      ++report.filled;
    }
  }
  tx.commit();
  return report;
}

IdentityKeyReport fill_identity_keys(common::PgPool& pool) {
  return pool.with_connection([](pqxx::connection& c) { return fill_identity_keys(c); });
}

void log_identity_key_report(const IdentityKeyReport& report) {
  if (report.filled > 0) common::log::info("identity keys filled", {{"keys", report.filled}});
  for (const auto& conflict : report.conflicts) {
    common::log::warn("account shares its canonical identity with an older one; rename it to let it log in",
                      {{"user_id", conflict.user_id}, {"field", conflict.field}, {"holder_id", conflict.holder_id}});
  }
}

int migrate(pqxx::connection& connection) {
  int applied = common::apply_migrations(connection, "auth", migrations());
  log_identity_key_report(fill_identity_keys(connection));
  return applied;
}

}  // namespace auth
