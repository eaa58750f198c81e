#include "auth/accounts/email_verifications.hpp"

#include "auth/mail/mail_outbox.hpp"
#include "common/core/text.hpp"
#include "common/pg/statement.hpp"
#include "common/pg/transactions.hpp"

#include <openssl/evp.h>

namespace auth {
namespace {

pqxx::binarystring token_hash(const std::string& token) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(token.data(), token.size(), digest, &length, EVP_sha256(), nullptr);
  return pqxx::binarystring(digest, length);
}

std::string greeting_name(const UserRecord& user) {
  if (!user.name.empty()) return user.name;
  if (!user.username.empty()) return user.username;
  return user.email;
}

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

const common::Statement kInsert{"verification_insert",
                                "INSERT INTO email_verifications (token_hash, user_id, email, expires_at) "
                                "VALUES ($1, $2, $3, now() + make_interval(secs => $4))"};
const common::Statement kConsume{"verification_consume",
                                 "UPDATE email_verifications SET used_at = now() "
                                 "WHERE token_hash = $1 AND used_at IS NULL AND expires_at > now() "
                                 "RETURNING user_id, email"};
// The very address the token was mailed to: the stored display form, compared exactly.
const common::Statement kMarkVerified{"users_mark_email_verified",
                                      "UPDATE users SET email_verified = TRUE WHERE id = $1 AND email = $2"};

}  // namespace

void EmailVerifications::prepare(pqxx::connection& c) {
  for (const auto* statement : {&kInsert, &kConsume, &kMarkVerified}) statement->prepare(c);
}

void EmailVerifications::issue(pqxx::work& tx, const UserRecord& user) const {
  std::string token = common::random_hex(32);
  common::exec(tx, kInsert, token_hash(token), user.id, user.email, static_cast<double>(settings_.token_ttl.count()));
  std::string body = "Hello " + greeting_name(user) + ",\n\nplease confirm your email address.\n\n";
  if (!settings_.link_template.empty()) {
    body += "Open this link:\n" + replace_all(settings_.link_template, "{token}", token) + "\n\nor send ";
  } else {
    body += "Send ";
  }
  body += "this verification token to POST /api/verify-email/ as \"token\":\n" + token + "\n\n" + "It expires in " +
          std::to_string(settings_.token_ttl.count() / 3600) + " hours. If you did not register, ignore this mail.\n";
  MailOutbox::enqueue(tx, {user.email, "Confirm your email address", body});
}

std::optional<std::int64_t> EmailVerifications::consume(const std::string& token) {
  return common::write_if_found(pool_, [&](pqxx::work& tx) -> std::optional<std::int64_t> {
    auto consumed = common::exec(tx, kConsume, token_hash(token));
    if (consumed.empty()) return std::nullopt;
    auto user_id = consumed[0]["user_id"].as<std::int64_t>();
    auto updated = common::exec(tx, kMarkVerified, user_id, consumed[0]["email"].as<std::string>());
    if (updated.affected_rows() != 1) return std::nullopt;  // rolls back: the token stays unused
    return user_id;
  });
}

}  // namespace auth
