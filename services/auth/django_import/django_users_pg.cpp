#include "auth/django_import/django_users.hpp"

#include "auth/django_import/django_columns.hpp"

#include <pqxx/pqxx>

#include <algorithm>

// Django's auth_user read straight from its PostgreSQL database.
namespace auth {
namespace {

using namespace django_columns;

// ---- PostgreSQL -----------------------------------------------------------------------------

// "auth_user" or "schema.auth_user", each part quoted as an identifier.
std::string quoted_table(pqxx::transaction_base& tx, const std::string& table) {
  auto dot = table.find('.');
  std::string schema = dot == std::string::npos ? std::string() : table.substr(0, dot);
  std::string name = dot == std::string::npos ? table : table.substr(dot + 1);
  if (name.empty() || (dot != std::string::npos && schema.empty())) {
    throw ImportError("not a table name: " + shown(table));
  }
  return schema.empty() ? tx.quote_name(name) : tx.quote_name(schema) + "." + tx.quote_name(name);
}

// Each column's SELECT expression, in types the row reader expects.
std::string select_expression(Column column, const std::string& quoted) {
  switch (column) {
    case kId: return quoted + "::bigint";
    case kIsActive:
    case kIsStaff:
    case kIsSuperuser: return quoted + "::boolean";
    case kLastLogin:
    case kDateJoined:
      // Microseconds since the epoch: exact, and independent of the session's DateStyle and TimeZone.
      return "(EXTRACT(EPOCH FROM " + quoted + ") * 1000000)::bigint";
    default: return "COALESCE(" + quoted + "::text, '')";
  }
}

DjangoUser pg_user(const pqxx::row& row, const ColumnPositions& positions, const std::string& table) {
  DjangoUser user;
  user.id = row[static_cast<pqxx::row::size_type>(*positions[kId])].as<std::int64_t>();
  auto field = [&](Column column) { return row[static_cast<pqxx::row::size_type>(*positions[column])]; };
  auto text = [&](Column column) { return positions[column] ? field(column).as<std::string>() : std::string(); };
  auto flag = [&](Column column, bool fallback) {
    if (!positions[column]) return fallback;
    if (field(column).is_null()) {
      throw ImportError(table + ", user " + std::to_string(user.id) + ", column \"" + kColumnNames[column] +
                        "\": null");
    }
    return field(column).as<bool>();
  };
  auto timestamp = [&](Column column) -> std::optional<Clock::time_point> {
    if (!positions[column] || field(column).is_null()) return std::nullopt;
    auto parsed = checked_time_point(std::chrono::microseconds(field(column).as<std::int64_t>()));
    if (!parsed) {
      throw ImportError(table + ", user " + std::to_string(user.id) + ", column \"" + kColumnNames[column] +
                        "\": out of range");
    }
    return parsed;
  };
  fill_columns(user, text, flag, timestamp);
  return user;
}

}  // namespace

std::vector<DjangoUser> read_django_users_pg(const std::string& database_url, const std::string& table) {
  try {
    pqxx::connection connection(database_url);
    pqxx::read_transaction tx(connection);
    std::string qualified = quoted_table(tx, table);
    // The columns the table has, so a trimmed-down or customised user table reads too.
    auto existing = tx.exec_params(
        "SELECT c.column_name::text AS column_name FROM information_schema.columns c "
        "JOIN pg_class t ON t.oid = to_regclass($1) "
        "JOIN pg_namespace n ON n.oid = t.relnamespace "
        "WHERE c.table_schema = n.nspname AND c.table_name = t.relname",
        qualified);
    if (existing.empty()) throw ImportError("no table " + table + " (or no privilege to read it)");

    ColumnPositions positions;
    std::string select;
    std::size_t count = 0;
    for (std::size_t column = 0; column < kColumnCount; ++column) {
      bool present = std::any_of(existing.begin(), existing.end(), [&](const pqxx::row& row) {
        return row["column_name"].as<std::string>() == kColumnNames[column];
      });
      if (!present) continue;
      select += (count == 0 ? "" : ", ") +
                select_expression(static_cast<Column>(column), tx.quote_name(kColumnNames[column]));
      positions[column] = count++;
    }
    require_columns(positions, table);

    auto rows = tx.exec("SELECT " + select + " FROM " + qualified + " ORDER BY " + tx.quote_name("id"));
    std::vector<DjangoUser> users;
    users.reserve(rows.size());
    for (const auto& row : rows) users.push_back(pg_user(row, positions, table));
    return users;
  } catch (const pqxx::failure& e) {
    throw ImportError("reading " + table + ": " + e.what());
  }
}

}  // namespace auth
