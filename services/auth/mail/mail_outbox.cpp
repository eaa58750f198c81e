#include "auth/mail/mail_outbox.hpp"

#include "common/core/log.hpp"
#include "common/pg/statement.hpp"
#include "common/pg/transactions.hpp"

namespace auth {

namespace {

const common::Statement kInsert{"outbox_insert",
                                "INSERT INTO mail_outbox (recipient, subject, body) VALUES ($1, $2, $3)"};
const common::Statement kDue{"outbox_due",
                             "SELECT id, recipient, subject, body FROM mail_outbox "
                             "WHERE sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= now() "
                             "ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED"};
const common::Statement kSent{"outbox_sent", "UPDATE mail_outbox SET sent_at = now(), body = '' WHERE id = $1"};
const common::Statement kFailed{"outbox_failed",
                                "UPDATE mail_outbox SET attempts = attempts + 1, last_error = $2, "
                                "next_attempt_at = now() + make_interval(secs => LEAST(power(2, attempts), 3600)), "
                                "failed_at = CASE WHEN attempts + 1 >= $3 THEN now() END WHERE id = $1"};

}  // namespace

void MailOutbox::prepare(pqxx::connection& c) {
  for (const auto* statement : {&kInsert, &kDue, &kSent, &kFailed}) statement->prepare(c);
}

void MailOutbox::enqueue(pqxx::work& tx, const Mail& mail) {
  common::exec(tx, kInsert, mail.to, mail.subject, mail.body);
}

std::size_t MailOutbox::deliver_due(std::size_t batch) {
  return common::write(pool_, [&](pqxx::work& tx) {
    std::size_t sent = 0;
    for (const auto& row : common::exec(tx, kDue, static_cast<std::int64_t>(batch))) {
      auto id = row["id"].as<std::int64_t>();
      try {
        mailer_.send(
            {row["recipient"].as<std::string>(), row["subject"].as<std::string>(), row["body"].as<std::string>()});
        common::exec(tx, kSent, id);
        ++sent;
      } catch (const MailError& e) {
        common::log::warn("mail not sent, will retry", {{"mail_id", id}, {"error", e.what()}});
        common::exec(tx, kFailed, id, std::string(e.what()), kMaxAttempts);
      }
    }
    return sent;
  });
}

void MailOutbox::run(std::stop_token stop, std::chrono::milliseconds interval) {
  while (!stop.stop_requested()) {
    try {
      deliver_due();
    } catch (const std::exception& e) {
      common::log::warn("mail outbox unavailable", {{"error", e.what()}});
    }
    woken_.wait(stop, interval);
  }
}

}  // namespace auth
