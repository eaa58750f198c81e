#pragma once

#include "auth/accounts/email_verifications.hpp"
#include "auth/accounts/password_resets.hpp"
#include "auth/mail/mail_outbox.hpp"
#include "common/core/wake_signal.hpp"
#include "common/pg/pg_pool.hpp"

#include <chrono>
#include <cstddef>
#include <stop_token>
#include <string>

namespace auth {

enum class AccountMailKind { kPasswordReset, kVerification };

// "Mail me a reset link" and "resend my verification link" without telling who has an
// account: the request path records the address it was given, the same work whether or not an
// account has it; a background loop resolves each record in its own transaction and mails the
// account, if any. Several replicas may run the loop (SKIP LOCKED).
class AccountMailRequests final {
 public:
  AccountMailRequests(common::PgPool& pool, const PasswordResets& resets, const EmailVerifications& verifications,
                      MailOutbox* outbox)
      : pool_(pool), resets_(resets), verifications_(verifications), outbox_(outbox) {}

  static void prepare(pqxx::connection& connection);

  void record(AccountMailKind kind, const std::string& email);

  // Resolves up to `batch` recorded requests (oldest first) and deletes them; returns how many.
  //   password reset: an active account with this email and a usable password gets a reset
  //                   token (Django's PasswordResetForm skips the others too);
  //   verification:   an account whose email is not verified yet, or that waits for this
  //                   address as its new one, gets a new link.
  std::size_t resolve_pending(std::size_t batch = 20);

  // Resolves until `stop`: polls every `interval`, at once after record().
  void run(std::stop_token stop, std::chrono::milliseconds interval = std::chrono::seconds(1));

 private:
  common::PgPool& pool_;
  const PasswordResets& resets_;
  const EmailVerifications& verifications_;
  MailOutbox* outbox_;
  common::WakeSignal woken_;
};

}  // namespace auth
