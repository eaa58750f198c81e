#pragma once

#include "common/pg/pg_pool.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

namespace auth {

struct UserRecord {
  std::int64_t id = 0;
  std::string username;  // "" when absent
  std::string email;     // "" when absent
  std::string name;
  std::string password_hash;
  bool is_active = true;
  bool is_staff = false;
  bool email_verified = false;
  std::chrono::system_clock::time_point date_joined;
};

// Display forms (auth/identity.hpp: normalize_registration makes them); the store adds the keys.
struct NewUser {
  std::optional<std::string> username;
  std::optional<std::string> email;
  std::string name;
  std::string password_hash;
  bool is_staff = false;
  bool is_superuser = false;
  bool email_verified = false;
};

// The unique index that refused a new user.
class DuplicateUser : public std::runtime_error {
 public:
  enum class Field { kUsername, kEmail };
  explicit DuplicateUser(Field f) : std::runtime_error("duplicate user"), field(f) {}
  Field field;
};

// Users in the auth database. Uniqueness and lookups by username and email compare the
// canonical keys of auth/identity.hpp: any spelling of an identifier finds its one account.
// Callers pass identifiers that passed common::text_field_problem (no NUL reaches PostgreSQL).
class UserStore final {
 public:
  explicit UserStore(common::PgPool& pool) : pool_(pool) {}

  static void prepare(pqxx::connection& connection);

  // Work that must commit with the new user (its verification mail, its first login).
  using InSameTransaction = std::function<void(pqxx::work&, const UserRecord&)>;

  // Throws DuplicateUser when the username or email is taken (in any spelling).
  UserRecord create(const NewUser& user, const InSameTransaction& also = {});
  std::optional<UserRecord> find_by_username(const std::string& username);
  std::optional<UserRecord> find_by_email(const std::string& email);
  std::optional<UserRecord> find_by_id(std::int64_t id);
  void record_login(std::int64_t id);
  // Upgrades a verified legacy hash; only if the stored hash is still `old_hash`.
  void replace_password_hash(std::int64_t id, const std::string& old_hash, const std::string& new_hash);
  // The user, its row locked until `tx` ends: admin actions on one user queue here.
  static std::optional<UserRecord> lock_by_id(pqxx::work& tx, std::int64_t id);
  static void set_active(pqxx::work& tx, std::int64_t id, bool active);
  static void set_staff(pqxx::work& tx, std::int64_t id, bool staff);
  // Sets a new password hash and runs `also` in the same transaction (ending other sessions):
  // both happen, or neither.
  void set_password_hash(std::int64_t id, const std::string& hash, const std::function<void(pqxx::work&)>& also);

 private:
  common::PgPool& pool_;
};

}  // namespace auth
