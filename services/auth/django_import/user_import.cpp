#include "auth/django_import/user_import.hpp"

#include "auth/accounts/identity.hpp"
#include "auth/accounts/registration_rules.hpp"
#include "common/core/text.hpp"
#include "common/pg/statement.hpp"

namespace auth {
namespace {

std::optional<std::string> non_empty(const std::string& value) {
  if (value.empty()) return std::nullopt;
  return value;
}

std::optional<std::string> key_of(const std::string& value, std::string (*key)(std::string_view)) {
  if (value.empty()) return std::nullopt;
  return key(value);
}

std::optional<double> epoch_seconds(const std::optional<std::chrono::system_clock::time_point>& t) {
  if (!t) return std::nullopt;
  return std::chrono::duration<double>(t->time_since_epoch()).count();
}

std::string describe(const DjangoUser& user) {
  return "id " + std::to_string(user.id) + " (" + (user.username.empty() ? user.email : user.username) + ")";
}

const common::Statement kImportUser{"import_user",
                                    "INSERT INTO users (id, username, email, name, password_hash, is_active, is_staff, "
                                    "is_superuser, email_verified, date_joined, last_login, username_key, email_key) "
                                    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, COALESCE(to_timestamp($10), now()), "
                                    "to_timestamp($11), $12, $13) ON CONFLICT DO NOTHING"};

}  // namespace

ImportReport import_django_users(pqxx::connection& connection, const std::vector<DjangoUser>& users,
                                 bool emails_verified, bool dry_run) {
  kImportUser.prepare(connection);
  ImportReport report;
  pqxx::work tx(connection);
  for (const auto& user : users) {
    // Text PostgreSQL would cut at a NUL or refuse (invalid UTF-8) is reported, not imported.
    std::optional<std::string> problem;
    for (const std::string* field : {&user.username, &user.email, &user.first_name, &user.last_name, &user.password}) {
      if (!problem) problem = common::text_field_problem(*field);
    }
    if (problem) {
      report.skipped.push_back("id " + std::to_string(user.id) + ": " + *problem);
      continue;
    }
    // Django stored these normalized already (NFKC usernames, lower-case domains); applying
    // the rules again changes nothing for them and is what registration does.
    std::string username = identity::username_display(common::trim(user.username));
    std::string email = identity::email_display(common::trim(user.email));
    if (username.empty() && email.empty()) {
      report.skipped.push_back(describe(user) + ": neither username nor email");
      continue;
    }
    if (!email.empty() && !is_valid_email(email)) {
      report.skipped.push_back(describe(user) + ": invalid email address");
      continue;
    }
    std::string hash = user.password;
    if (!is_importable_hash(hash)) {
      // Django's "!" prefix marks an unusable password; keep the account, refuse the password.
      hash = "!imported-unusable";
      ++report.unusable_passwords;
    }
    std::string name = common::trim(common::trim(user.first_name) + " " + common::trim(user.last_name));
    auto inserted = common::exec(tx, kImportUser, user.id, non_empty(username), non_empty(email), name, hash,
                                 user.is_active, user.is_staff, user.is_superuser, emails_verified && !email.empty(),
                                 epoch_seconds(user.date_joined), epoch_seconds(user.last_login),
                                 key_of(username, identity::username_key), key_of(email, identity::email_key));
    if (inserted.affected_rows() == 1) {
      ++report.imported;
    } else {
      // Any spelling: "ａｔｋ＿１" after "atk_1" is taken (unique keys, migration 005).
      report.skipped.push_back(describe(user) + ": id, username or email already taken");
      if (hash == "!imported-unusable") --report.unusable_passwords;
    }
  }
  // Ids were given explicitly: move the sequence past them so new registrations do not collide.
  tx.exec("SELECT setval(pg_get_serial_sequence('users', 'id'), GREATEST((SELECT max(id) FROM users), 1))");
  if (dry_run) {
    tx.abort();
  } else {
    tx.commit();
  }
  return report;
}

}  // namespace auth
