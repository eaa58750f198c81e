#include "auth/accounts/email_verifications.hpp"

#include "auth/accounts/account_links.hpp"
#include "auth/accounts/token_hash.hpp"
#include "auth/mail/mail_outbox.hpp"
#include "common/core/text.hpp"
#include "common/pg/statement.hpp"
#include "common/pg/transactions.hpp"

namespace auth {
namespace {

const common::Statement kInsert{"verification_insert",
                                "INSERT INTO email_verifications (token_hash, user_id, email, expires_at, purpose) "
                                "VALUES ($1, $2, $3, now() + make_interval(secs => $4), $5)"};
const common::Statement kConsume{"verification_consume",
                                 "UPDATE email_verifications SET used_at = now() "
                                 "WHERE token_hash = $1 AND used_at IS NULL AND expires_at > now() "
                                 "RETURNING user_id, email, purpose"};
// The very address the token was mailed to: the stored display form, compared exactly.
const common::Statement kMarkVerified{"users_mark_email_verified",
                                      "UPDATE users SET email_verified = TRUE WHERE id = $1 AND email = $2"};

std::string verification_body(const UserRecord& user, const std::string& token, const std::string& link,
                              std::chrono::seconds ttl, const char* what) {
  std::string body = "Hello " + greeting_name(user) + ",\n\nplease confirm " + what + ".\n\n";
  body += link.empty() ? "Send " : "Open this link:\n" + link + "\n\nor send ";
  body += "this verification token to POST /api/verify-email/ as \"token\":\n" + token + "\n\n" + "It expires in " +
          std::to_string(ttl.count() / 3600) + " hours. If you did not ask for this, ignore this mail.\n";
  return body;
}

}  // namespace

std::string greeting_name(const UserRecord& user) {
  if (!user.name.empty()) return user.name;
  if (!user.username.empty()) return user.username;
  return user.email;
}

void EmailVerifications::prepare(pqxx::connection& c) {
  for (const auto* statement : {&kInsert, &kConsume, &kMarkVerified}) statement->prepare(c);
}

void EmailVerifications::mail_token(pqxx::work& tx, const UserRecord& user, const std::string& address,
                                    const char* purpose, const char* subject, const char* what) const {
  std::string token = common::random_hex(32);
  common::exec(tx, kInsert, token_hash(token), user.id, address, static_cast<double>(settings_.token_ttl.count()),
               purpose);
  std::string link = settings_.link_template.empty() ? "" : fill_link(settings_.link_template, token, user.id);
  MailOutbox::enqueue(tx, {address, subject, verification_body(user, token, link, settings_.token_ttl, what)});
}

void EmailVerifications::issue(pqxx::work& tx, const UserRecord& user) const {
  mail_token(tx, user, user.email, "verify", "Confirm your email address", "your email address");
}

void EmailVerifications::issue_change(pqxx::work& tx, const UserRecord& user, bool tell_old_address) const {
  mail_token(tx, user, user.pending_email, "change", "Confirm your new email address", "your new email address");
  if (!tell_old_address || user.email.empty()) return;
  // The owner of the old address hears of it, so a stolen session cannot quietly move the
  // account (and its password resets) to another mailbox.
  MailOutbox::enqueue(
      tx, {user.email, "Your email address is being changed",
           "Hello " + greeting_name(user) + ",\n\na change of your account's email address to " + user.pending_email +
               " was asked for. It takes effect once the new address is confirmed.\n\n"
               "If you did not ask for this, change your password and end your other sessions.\n"});
}

std::optional<std::int64_t> EmailVerifications::consume(const std::string& token,
                                                        std::optional<std::int64_t> expected_user) {
  return common::write_if_found(pool_, [&](pqxx::work& tx) -> std::optional<std::int64_t> {
    auto consumed = common::exec(tx, kConsume, token_hash(token));
    if (consumed.empty()) return std::nullopt;
    auto user_id = consumed[0]["user_id"].as<std::int64_t>();
    if (expected_user && *expected_user != user_id) return std::nullopt;  // rolls back: the token stays unused
    auto email = consumed[0]["email"].as<std::string>();
    if (consumed[0]["purpose"].as<std::string>() == "change") {
      if (!UserStore::apply_pending_email(tx, user_id, email)) return std::nullopt;
      return user_id;
    }
    if (common::exec(tx, kMarkVerified, user_id, email).affected_rows() != 1) return std::nullopt;
    return user_id;
  });
}

}  // namespace auth
