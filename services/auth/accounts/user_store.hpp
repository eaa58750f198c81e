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
  std::string pending_email;  // a new address waiting for its verification; "" when none
};

// A change of a user's profile; absent fields stay.
struct ProfileChange {
  std::optional<std::string> username;
  std::optional<std::string> name;
  // Present: the pending address becomes this ("" clears it).
  std::optional<std::string> pending_email;
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
  // The user (not a deleted account), its row locked until `tx` ends: admin actions on one user
  // queue here.
  static std::optional<UserRecord> lock_by_id(pqxx::work& tx, std::int64_t id);
  static void set_active(pqxx::work& tx, std::int64_t id, bool active);
  static void set_staff(pqxx::work& tx, std::int64_t id, bool staff);
  // Runs `also` (ending sessions, using up a reset token) and sets a new password hash in the
  // same transaction: both happen, or neither. Every live password reset token of the user
  // stops working.
  void set_password_hash(std::int64_t id, const std::string& hash, const std::function<void(pqxx::work&)>& also);
  static void set_password_hash(pqxx::work& tx, std::int64_t id, const std::string& hash);

  // Applies `change` and runs `also` with the updated user in the same transaction (the mails
  // it announces); nullopt when there is no such user. Throws DuplicateUser for a username in
  // use by another account.
  std::optional<UserRecord> update_profile(std::int64_t id, const ProfileChange& change,
                                           const InSameTransaction& also = {});
  // Makes the pending address `email` the user's verified email; false when it is no longer
  // pending. Throws DuplicateUser when another account has taken it meanwhile (`tx` is then
  // aborted).
  static bool apply_pending_email(pqxx::work& tx, std::int64_t id, const std::string& email);
  // The account that has `email` as its address, or as its pending one.
  static std::optional<UserRecord> find_by_email(pqxx::transaction_base& tx, const std::string& email);
  static std::optional<UserRecord> find_by_pending_email(pqxx::transaction_base& tx, const std::string& email);
  // Deletes the account by anonymizing it (migration 008 says why): every personal field, the
  // verification and reset tokens and the sessions' client details are erased, the identifiers
  // are free again, the row stays inactive. Runs `also` in the same transaction (ending the
  // sessions, recording the deletion for content); false when there was no such live account.
  bool erase(std::int64_t id, const std::function<void(pqxx::work&)>& also);

 private:
  common::PgPool& pool_;
};

}  // namespace auth
