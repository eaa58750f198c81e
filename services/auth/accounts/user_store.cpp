#include "auth/accounts/user_store.hpp"

#include "auth/accounts/identity.hpp"
#include "common/core/epoch.hpp"
#include "common/pg/statement.hpp"
#include "common/pg/transactions.hpp"

#include <cstring>

namespace auth {
namespace {

constexpr const char* kColumns =
    "id, COALESCE(username, '') AS username, COALESCE(email, '') AS email, name, password_hash, is_active, "
    "is_staff, email_verified, EXTRACT(EPOCH FROM date_joined)::float8 AS date_joined, "
    "COALESCE(pending_email, '') AS pending_email";

const common::Statement kInsert{
    "users_insert",
    std::string("INSERT INTO users (username, email, name, password_hash, is_staff, is_superuser, email_verified, "
                "username_key, email_key) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING ") +
        kColumns};
// By key; a row without keys yet (written by an older replica during a rolling upgrade, see
// migration 005) is found the old way until housekeeping gives it its keys. A keyed row wins.
const common::Statement kByUsername{
    "users_by_username", std::string("SELECT ") + kColumns +
                             " FROM users WHERE username_key = $1 "
                             "OR (username_key IS NULL AND username IS NOT NULL AND lower(username) = lower($2)) "
                             "ORDER BY username_key IS NULL, id LIMIT 1"};
const common::Statement kByEmail{"users_by_email",
                                 std::string("SELECT ") + kColumns +
                                     " FROM users WHERE email_key = $1 "
                                     "OR (email_key IS NULL AND email IS NOT NULL AND lower(email) = lower($2)) "
                                     "ORDER BY email_key IS NULL, id LIMIT 1"};
const common::Statement kById{"users_by_id", std::string("SELECT ") + kColumns + " FROM users WHERE id = $1"};
const common::Statement kRecordLogin{"users_record_login", "UPDATE users SET last_login = now() WHERE id = $1"};
const common::Statement kReplaceHash{"users_replace_hash",
                                     "UPDATE users SET password_hash = $3 WHERE id = $1 AND password_hash = $2"};
// Any change of the password ends the user's live reset tokens: a link mailed before it must
// not undo it.
const common::Statement kSetHash{"users_set_hash",
                                 "WITH stale AS (UPDATE password_resets SET used_at = now() "
                                 "WHERE user_id = $1 AND used_at IS NULL) "
                                 "UPDATE users SET password_hash = $2 WHERE id = $1"};
// NULL parameters keep a column; the pending address takes its key with it ("" clears both).
const common::Statement kUpdateProfile{
    "users_update_profile",
    std::string("UPDATE users SET username = COALESCE($2, username), username_key = COALESCE($3, username_key), "
                "name = COALESCE($4, name), "
                "pending_email = CASE WHEN $5::text IS NULL THEN pending_email ELSE NULLIF($5, '') END, "
                "pending_email_key = CASE WHEN $5::text IS NULL THEN pending_email_key ELSE NULLIF($6, '') END "
                "WHERE id = $1 RETURNING ") +
        kColumns};
// Reset links mailed to the old address stop working with it.
const common::Statement kApplyPendingEmail{
    "users_apply_pending_email",
    "WITH stale AS (UPDATE password_resets SET used_at = now() WHERE user_id = $1 AND used_at IS NULL) "
    "UPDATE users SET email = pending_email, email_key = pending_email_key, email_verified = TRUE, "
    "pending_email = NULL, pending_email_key = NULL WHERE id = $1 AND pending_email = $2"};
const common::Statement kByPendingEmail{
    "users_by_pending_email",
    std::string("SELECT ") + kColumns + " FROM users WHERE pending_email_key = $1 ORDER BY id LIMIT 1"};
const common::Statement kAnonymize{
    "users_anonymize",
    "WITH verifications AS (DELETE FROM email_verifications WHERE user_id = $1), "
    "resets AS (DELETE FROM password_resets WHERE user_id = $1), "
    "clients AS (UPDATE token_families SET user_agent = '', client_ip = '' WHERE user_id = $1) "
    "UPDATE users SET username = NULL, username_key = NULL, email = NULL, email_key = NULL, pending_email = NULL, "
    "pending_email_key = NULL, name = '', password_hash = '!deleted', is_active = FALSE, is_staff = FALSE, "
    "is_superuser = FALSE, email_verified = FALSE, last_login = NULL, deleted_at = now() "
    "WHERE id = $1 AND deleted_at IS NULL"};
const common::Statement kLockById{
    "users_lock_by_id",
    std::string("SELECT ") + kColumns + " FROM users WHERE id = $1 AND deleted_at IS NULL FOR UPDATE"};
const common::Statement kSetActive{"users_set_active", "UPDATE users SET is_active = $2 WHERE id = $1"};
const common::Statement kSetStaff{"users_set_staff", "UPDATE users SET is_staff = $2 WHERE id = $1"};

UserRecord to_user(const pqxx::row& row) {
  UserRecord user;
  user.id = row["id"].as<std::int64_t>();
  user.username = row["username"].as<std::string>();
  user.email = row["email"].as<std::string>();
  user.name = row["name"].as<std::string>();
  user.password_hash = row["password_hash"].as<std::string>();
  user.is_active = row["is_active"].as<bool>();
  user.is_staff = row["is_staff"].as<bool>();
  user.email_verified = row["email_verified"].as<bool>();
  user.date_joined = common::from_epoch_float(row["date_joined"].as<double>());
  user.pending_email = row["pending_email"].as<std::string>();
  return user;
}

std::optional<UserRecord> first_user(const pqxx::result& result) {
  if (result.empty()) return std::nullopt;
  return to_user(result[0]);
}

}  // namespace

void UserStore::prepare(pqxx::connection& c) {
  for (const auto* statement :
       {&kInsert, &kByUsername, &kByEmail, &kById, &kRecordLogin, &kReplaceHash, &kSetHash, &kUpdateProfile,
        &kApplyPendingEmail, &kByPendingEmail, &kAnonymize, &kLockById, &kSetActive, &kSetStaff}) {
    statement->prepare(c);
  }
}

UserRecord UserStore::create(const NewUser& user, const InSameTransaction& also) {
  try {
    return common::write(pool_, [&](pqxx::work& tx) {
      auto key = [](const std::optional<std::string>& value, std::string (*of)(std::string_view)) {
        return value ? std::optional<std::string>(of(*value)) : std::nullopt;
      };
      auto created = to_user(common::exec1(
          tx, kInsert, user.username, user.email, user.name, user.password_hash, user.is_staff, user.is_superuser,
          user.email_verified, key(user.username, identity::username_key), key(user.email, identity::email_key)));
      if (also) also(tx, created);
      return created;
    });
  } catch (const pqxx::unique_violation& e) {
    // users_email_key_unique, or users_email_unique (001) of the same address.
    throw DuplicateUser(std::strstr(e.what(), "users_email_") ? DuplicateUser::Field::kEmail
                                                              : DuplicateUser::Field::kUsername);
  }
}

std::optional<UserRecord> UserStore::find_by_username(const std::string& username) {
  return common::read(pool_, [&](pqxx::nontransaction& tx) {
    return first_user(common::exec(tx, kByUsername, identity::username_key(username), username));
  });
}

std::optional<UserRecord> UserStore::find_by_email(const std::string& email) {
  return common::read(pool_, [&](pqxx::nontransaction& tx) { return find_by_email(tx, email); });
}

std::optional<UserRecord> UserStore::find_by_email(pqxx::transaction_base& tx, const std::string& email) {
  return first_user(common::exec(tx, kByEmail, identity::email_key(email), email));
}

std::optional<UserRecord> UserStore::find_by_pending_email(pqxx::transaction_base& tx, const std::string& email) {
  return first_user(common::exec(tx, kByPendingEmail, identity::email_key(email)));
}

std::optional<UserRecord> UserStore::find_by_id(std::int64_t id) {
  return common::read(pool_, [&](pqxx::nontransaction& tx) { return first_user(common::exec(tx, kById, id)); });
}

void UserStore::record_login(std::int64_t id) {
  common::write(pool_, [&](pqxx::work& tx) { common::exec(tx, kRecordLogin, id); });
}

void UserStore::replace_password_hash(std::int64_t id, const std::string& old_hash, const std::string& new_hash) {
  common::write(pool_, [&](pqxx::work& tx) { common::exec(tx, kReplaceHash, id, old_hash, new_hash); });
}

std::optional<UserRecord> UserStore::lock_by_id(pqxx::work& tx, std::int64_t id) {
  return first_user(common::exec(tx, kLockById, id));
}

void UserStore::set_active(pqxx::work& tx, std::int64_t id, bool active) { common::exec(tx, kSetActive, id, active); }

void UserStore::set_staff(pqxx::work& tx, std::int64_t id, bool staff) { common::exec(tx, kSetStaff, id, staff); }

void UserStore::set_password_hash(std::int64_t id, const std::string& hash,
                                  const std::function<void(pqxx::work&)>& also) {
  common::write(pool_, [&](pqxx::work& tx) {
    if (also) also(tx);  // first: it may use up the reset token that setting the hash would end
    set_password_hash(tx, id, hash);
  });
}

void UserStore::set_password_hash(pqxx::work& tx, std::int64_t id, const std::string& hash) {
  common::exec(tx, kSetHash, id, hash);
}

std::optional<UserRecord> UserStore::update_profile(std::int64_t id, const ProfileChange& change,
                                                    const InSameTransaction& also) {
  auto username_key = change.username ? std::optional(identity::username_key(*change.username)) : std::nullopt;
  auto pending_key = change.pending_email && !change.pending_email->empty()
                         ? std::optional(identity::email_key(*change.pending_email))
                         : change.pending_email;
  try {
    return common::write(pool_, [&](pqxx::work& tx) -> std::optional<UserRecord> {
      auto updated = first_user(common::exec(tx, kUpdateProfile, id, change.username, username_key, change.name,
                                             change.pending_email, pending_key));
      if (updated && also) also(tx, *updated);
      return updated;
    });
  } catch (const pqxx::unique_violation&) {
    throw DuplicateUser(DuplicateUser::Field::kUsername);
  }
}

bool UserStore::apply_pending_email(pqxx::work& tx, std::int64_t id, const std::string& email) {
  try {
    return common::exec(tx, kApplyPendingEmail, id, email).affected_rows() == 1;
  } catch (const pqxx::unique_violation&) {
    throw DuplicateUser(DuplicateUser::Field::kEmail);
  }
}

bool UserStore::erase(std::int64_t id, const std::function<void(pqxx::work&)>& also) {
  return common::write(pool_, [&](pqxx::work& tx) {
    if (common::exec(tx, kAnonymize, id).affected_rows() != 1) return false;
    if (also) also(tx);
    return true;
  });
}

}  // namespace auth
