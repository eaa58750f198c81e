#pragma once

#include "common/pg/pg_pool.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace auth {

// A user as the admin API shows it: the account, its state and its live sessions.
struct DirectoryEntry {
  std::int64_t id = 0;
  std::string username;  // "" when absent
  std::string email;     // "" when absent
  std::string name;
  bool email_verified = false;
  bool is_active = true;
  bool is_staff = false;
  std::chrono::system_clock::time_point date_joined;
  std::optional<std::chrono::system_clock::time_point> last_login;  // nullopt: never
  std::string pending_email;                                        // "" when none
  std::int32_t live_sessions = 0;  // refresh-token families neither revoked nor expired
};

struct DirectoryPage {
  std::vector<DirectoryEntry> users;
  std::int64_t total = 0;  // users matching the query, on every page
};

// Reading users for the admin API: look-up by id, and search in pages ordered by id.
class UserDirectory final {
 public:
  explicit UserDirectory(common::PgPool& pool) : pool_(pool) {}

  static void prepare(pqxx::connection& connection);

  std::optional<DirectoryEntry> get(std::int64_t id);
  // The same, in `tx`: a change and the state it leaves, in one transaction.
  static std::optional<DirectoryEntry> get(pqxx::work& tx, std::int64_t id);

  // Users whose username, email or name contains `query` (case-insensitive, as typed: `%` and
  // `_` are literal; "" matches everyone), with ids above `after_id`, at most `limit`. The page
  // and its total come from one snapshot.
  DirectoryPage search(const std::string& query, std::int64_t after_id, int limit);

  // `text` with LIKE's wildcards and its escape character escaped, inside `%…%`.
  static std::string contains_pattern(const std::string& text);

 private:
  common::PgPool& pool_;
};

}  // namespace auth
