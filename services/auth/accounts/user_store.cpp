#include "auth/accounts/user_store.hpp"

#include "auth/accounts/identity.hpp"

#include <cstring>

namespace auth {
namespace {

constexpr const char* kColumns =
    "id, COALESCE(username, ''), COALESCE(email, ''), name, password_hash, is_active, is_staff, "
    "email_verified, EXTRACT(EPOCH FROM date_joined)::float8";

UserRecord to_user(const pqxx::row& row) {
  UserRecord user;
  user.id = row[0].as<std::int64_t>();
  user.username = row[1].as<std::string>();
  user.email = row[2].as<std::string>();
  user.name = row[3].as<std::string>();
  user.password_hash = row[4].as<std::string>();
  user.is_active = row[5].as<bool>();
  user.is_staff = row[6].as<bool>();
  user.email_verified = row[7].as<bool>();
  user.date_joined = std::chrono::system_clock::time_point(
      std::chrono::microseconds(static_cast<std::int64_t>(row[8].as<double>() * 1e6)));
  return user;
}

}  // namespace

void UserStore::prepare(pqxx::connection& c) {
  std::string columns = kColumns;
  c.prepare("users_insert",
            "INSERT INTO users (username, email, name, password_hash, is_staff, is_superuser, email_verified, "
            "username_key, email_key) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING " + columns);
  // By key; a row without keys yet (written by an older replica during a rolling upgrade, see
  // migration 005) is found the old way until housekeeping gives it its keys. A keyed row wins.
  c.prepare("users_by_username",
            "SELECT " + columns + " FROM users WHERE username_key = $1 "
            "OR (username_key IS NULL AND username IS NOT NULL AND lower(username) = lower($2)) "
            "ORDER BY username_key IS NULL, id LIMIT 1");
  c.prepare("users_by_email",
            "SELECT " + columns + " FROM users WHERE email_key = $1 "
            "OR (email_key IS NULL AND email IS NOT NULL AND lower(email) = lower($2)) "
            "ORDER BY email_key IS NULL, id LIMIT 1");
  c.prepare("users_by_id", "SELECT " + columns + " FROM users WHERE id = $1");
  c.prepare("users_record_login", "UPDATE users SET last_login = now() WHERE id = $1");
  c.prepare("users_replace_hash", "UPDATE users SET password_hash = $3 WHERE id = $1 AND password_hash = $2");
  c.prepare("users_deactivate", "UPDATE users SET is_active = FALSE WHERE id = $1 AND is_active");
}

UserRecord UserStore::create(const NewUser& user, const InSameTransaction& also) {
  return pool_.with_connection([&](pqxx::connection& c) {
    try {
      pqxx::work tx(c);
      auto key = [](const std::optional<std::string>& value, std::string (*of)(std::string_view)) {
        return value ? std::optional<std::string>(of(*value)) : std::nullopt;
      };
      auto created = to_user(tx.exec_prepared1("users_insert", user.username, user.email, user.name,
                                               user.password_hash, user.is_staff, user.is_superuser,
                                               user.email_verified, key(user.username, identity::username_key),
                                               key(user.email, identity::email_key)));
      if (also) also(tx, created);
      tx.commit();
      return created;
    } catch (const pqxx::unique_violation& e) {
      // users_email_key_unique, or users_email_unique (001) of the same address.
      throw DuplicateUser(std::strstr(e.what(), "users_email_") ? DuplicateUser::Field::kEmail
                                                                : DuplicateUser::Field::kUsername);
    }
  });
}

std::optional<UserRecord> UserStore::find(const char* statement, const std::string& key,
                                          const std::string& spelling) {
  return pool_.with_connection([&](pqxx::connection& c) -> std::optional<UserRecord> {
    pqxx::nontransaction tx(c);  // one statement: no BEGIN/COMMIT round trips
    auto result = tx.exec_prepared(statement, key, spelling);
    if (result.empty()) return std::nullopt;
    return to_user(result[0]);
  });
}

std::optional<UserRecord> UserStore::find_by_username(const std::string& username) {
  return find("users_by_username", identity::username_key(username), username);
}

std::optional<UserRecord> UserStore::find_by_email(const std::string& email) {
  return find("users_by_email", identity::email_key(email), email);
}

std::optional<UserRecord> UserStore::find_by_id(std::int64_t id) {
  return pool_.with_connection([&](pqxx::connection& c) -> std::optional<UserRecord> {
    pqxx::nontransaction tx(c);  // one statement: no BEGIN/COMMIT round trips
    auto result = tx.exec_prepared("users_by_id", id);
    if (result.empty()) return std::nullopt;
    return to_user(result[0]);
  });
}

void UserStore::record_login(std::int64_t id) {
  pool_.with_connection([&](pqxx::connection& c) {
    pqxx::work tx(c);
    tx.exec_prepared0("users_record_login", id);
    tx.commit();
  });
}

void UserStore::replace_password_hash(std::int64_t id, const std::string& old_hash, const std::string& new_hash) {
  pool_.with_connection([&](pqxx::connection& c) {
    pqxx::work tx(c);
    tx.exec_prepared("users_replace_hash", id, old_hash, new_hash);
    tx.commit();
  });
}

bool UserStore::deactivate(std::int64_t id) {
  return pool_.with_connection([&](pqxx::connection& c) {
    pqxx::work tx(c);
    auto result = tx.exec_prepared("users_deactivate", id);
    tx.commit();
    return result.affected_rows() == 1;
  });
}

}  // namespace auth
