#include "auth/accounts/password_resets.hpp"

#include "auth/accounts/account_links.hpp"
#include "auth/accounts/email_verifications.hpp"
#include "auth/accounts/token_hash.hpp"
#include "auth/mail/mail_outbox.hpp"
#include "common/core/text.hpp"
#include "common/pg/statement.hpp"
#include "common/pg/transactions.hpp"

namespace auth {
namespace {

const common::Statement kSupersede{"reset_supersede",
                                   "UPDATE password_resets SET used_at = now() WHERE user_id = $1 AND used_at IS NULL"};
const common::Statement kInsert{"reset_insert",
                                "INSERT INTO password_resets (token_hash, user_id, expires_at) "
                                "VALUES ($1, $2, now() + make_interval(secs => $3))"};
const common::Statement kHolder{"reset_holder",
                                "SELECT user_id FROM password_resets "
                                "WHERE token_hash = $1 AND used_at IS NULL AND expires_at > now()"};
const common::Statement kConsume{"reset_consume",
                                 "UPDATE password_resets SET used_at = now() "
                                 "WHERE token_hash = $1 AND user_id = $2 AND used_at IS NULL AND expires_at > now()"};

std::string minutes_text(std::chrono::seconds ttl) {
  auto minutes = std::max<std::int64_t>(1, ttl.count() / 60);
  return minutes % 60 == 0 ? std::to_string(minutes / 60) + (minutes == 60 ? " hour" : " hours")
                           : std::to_string(minutes) + " minutes";
}

}  // namespace

void PasswordResets::prepare(pqxx::connection& c) {
  for (const auto* statement : {&kSupersede, &kInsert, &kHolder, &kConsume}) statement->prepare(c);
}

void PasswordResets::issue(pqxx::work& tx, const UserRecord& user) const {
  std::string token = common::random_hex(32);
  common::exec(tx, kSupersede, user.id);
  common::exec(tx, kInsert, token_hash(token), user.id, static_cast<double>(settings_.token_ttl.count()));
  std::string body = "Hello " + greeting_name(user) + ",\n\na password reset was asked for your account.\n\n";
  if (!settings_.link_template.empty()) {
    body += "Open this link to choose a new password:\n" + fill_link(settings_.link_template, token, user.id) +
            "\n\nor send ";
  } else {
    body += "Send ";
  }
  body += "this token to POST /api/password/reset/confirm/ as \"token\", with \"new_password\":\n" + token +
          "\n\nIt works once, for " + minutes_text(settings_.token_ttl) +
          ", and every session of the account ends when it is used. "
          "If you did not ask for this, ignore this mail: your password stays as it is.\n";
  MailOutbox::enqueue(tx, {user.email, "Reset your password", body});
}

std::optional<std::int64_t> PasswordResets::holder(const std::string& token) {
  return common::read(pool_, [&](pqxx::nontransaction& tx) -> std::optional<std::int64_t> {
    auto rows = common::exec(tx, kHolder, token_hash(token));
    if (rows.empty()) return std::nullopt;
    return rows[0]["user_id"].as<std::int64_t>();
  });
}

bool PasswordResets::consume(pqxx::work& tx, const std::string& token, std::int64_t user_id) {
  return common::exec(tx, kConsume, token_hash(token), user_id).affected_rows() == 1;
}

}  // namespace auth
