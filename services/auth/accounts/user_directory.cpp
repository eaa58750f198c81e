#include "auth/accounts/user_directory.hpp"

#include "common/core/epoch.hpp"
#include "common/pg/statement.hpp"
#include "common/pg/transactions.hpp"

namespace auth {
namespace {

constexpr const char* kColumns =
    "u.id, COALESCE(u.username, '') AS username, COALESCE(u.email, '') AS email, u.name, u.email_verified, "
    "u.is_active, u.is_staff, EXTRACT(EPOCH FROM u.date_joined)::float8 AS date_joined, "
    "EXTRACT(EPOCH FROM u.last_login)::float8 AS last_login, COALESCE(u.pending_email, '') AS pending_email, "
    "(SELECT count(*) FROM token_families f "
    " WHERE f.user_id = u.id AND f.revoked_at IS NULL AND f.expires_at > now())::int AS live_sessions";
// $1 is a contains_pattern(); that of the empty query, '%%', matches every row, NULLs included.
// Deleted accounts (anonymized tombstones, migration 008) are no users any more.
constexpr const char* kMatches =
    "u.deleted_at IS NULL AND ($1 = '%%' OR u.username ILIKE $1 ESCAPE '\\' OR u.email ILIKE $1 ESCAPE '\\' OR u.name "
    "ILIKE $1 ESCAPE '\\')";

const common::Statement kById{
    "directory_by_id", std::string("SELECT ") + kColumns + " FROM users u WHERE u.id = $1 AND u.deleted_at IS NULL"};
const common::Statement kPage{"directory_page", std::string("SELECT ") + kColumns + " FROM users u WHERE " + kMatches +
                                                    " AND u.id > $2 ORDER BY u.id LIMIT $3"};
const common::Statement kCount{"directory_count", std::string("SELECT count(*) FROM users u WHERE ") + kMatches};

DirectoryEntry to_entry(const pqxx::row& row) {
  DirectoryEntry entry;
  entry.id = row["id"].as<std::int64_t>();
  entry.username = row["username"].as<std::string>();
  entry.email = row["email"].as<std::string>();
  entry.name = row["name"].as<std::string>();
  entry.email_verified = row["email_verified"].as<bool>();
  entry.is_active = row["is_active"].as<bool>();
  entry.is_staff = row["is_staff"].as<bool>();
  entry.date_joined = common::from_epoch_float(row["date_joined"].as<double>());
  if (!row["last_login"].is_null()) entry.last_login = common::from_epoch_float(row["last_login"].as<double>());
  entry.pending_email = row["pending_email"].as<std::string>();
  entry.live_sessions = row["live_sessions"].as<std::int32_t>();
  return entry;
}

std::optional<DirectoryEntry> first_entry(const pqxx::result& result) {
  if (result.empty()) return std::nullopt;
  return to_entry(result[0]);
}

}  // namespace

void UserDirectory::prepare(pqxx::connection& c) {
  for (const auto* statement : {&kById, &kPage, &kCount}) statement->prepare(c);
}

std::optional<DirectoryEntry> UserDirectory::get(std::int64_t id) {
  return common::read(pool_, [&](pqxx::nontransaction& tx) { return first_entry(common::exec(tx, kById, id)); });
}

std::optional<DirectoryEntry> UserDirectory::get(pqxx::work& tx, std::int64_t id) {
  return first_entry(common::exec(tx, kById, id));
}

DirectoryPage UserDirectory::search(const std::string& query, std::int64_t after_id, int limit) {
  std::string pattern = contains_pattern(query);
  return common::read_snapshot(pool_, [&](common::ReadSnapshot& tx) {
    DirectoryPage page;
    for (const auto& row : common::exec(tx, kPage, pattern, after_id, limit)) page.users.push_back(to_entry(row));
    page.total = common::exec1(tx, kCount, pattern)[0].as<std::int64_t>();
    return page;
  });
}

std::string UserDirectory::contains_pattern(const std::string& text) {
  std::string pattern = "%";
  for (char c : text) {
    if (c == '%' || c == '_' || c == '\\') pattern += '\\';
    pattern += c;
  }
  return pattern + "%";
}

}  // namespace auth
