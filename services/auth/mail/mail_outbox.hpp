#pragma once

#include "auth/mail/mailer.hpp"
#include "common/core/wake_signal.hpp"
#include "common/pg/pg_pool.hpp"

#include <chrono>
#include <cstddef>
#include <stop_token>

namespace auth {

// Mail queued in PostgreSQL by the transaction it belongs to and delivered by a background
// loop: SMTP being down delays a mail, it never loses one. Several replicas may run the loop;
// SKIP LOCKED hands each mail to one of them.
class MailOutbox final {
 public:
  MailOutbox(common::PgPool& pool, Mailer& mailer) : pool_(pool), mailer_(mailer) {}

  static void prepare(pqxx::connection& connection);
  static void enqueue(pqxx::work& tx, const Mail& mail);

  // Sends the mails that are due; returns how many were sent. A failed send is retried with
  // exponential back-off (1 s doubling, capped at an hour) and given up after kMaxAttempts.
  std::size_t deliver_due(std::size_t batch = 20);

  // Delivers until `stop`: polls every `interval`, sooner after wake().
  void run(std::stop_token stop, std::chrono::milliseconds interval = std::chrono::seconds(1));
  void wake() { woken_.wake(); }

  static constexpr int kMaxAttempts = 12;

 private:
  common::PgPool& pool_;
  Mailer& mailer_;
  common::WakeSignal woken_;
};

}  // namespace auth
