#include "auth/accounts/account_mail_requests.hpp"

#include "common/core/log.hpp"
#include "common/pg/statement.hpp"
#include "common/pg/transactions.hpp"

namespace auth {
namespace {

const common::Statement kRecord{"mail_request_record",
                                "INSERT INTO account_mail_requests (kind, email) VALUES ($1, $2)"};
const common::Statement kTake{"mail_request_take",
                              "DELETE FROM account_mail_requests WHERE id IN (SELECT id FROM account_mail_requests "
                              "ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED) RETURNING kind, email"};

const char* kind_name(AccountMailKind kind) {
  return kind == AccountMailKind::kPasswordReset ? "password_reset" : "verification";
}

// Django's has_usable_password: imported unusable hashes start with "!".
bool has_usable_password(const UserRecord& user) { return !user.password_hash.starts_with("!"); }

}  // namespace

void AccountMailRequests::prepare(pqxx::connection& c) {
  for (const auto* statement : {&kRecord, &kTake}) statement->prepare(c);
}

void AccountMailRequests::record(AccountMailKind kind, const std::string& email) {
  common::write(pool_, [&](pqxx::work& tx) { common::exec(tx, kRecord, kind_name(kind), email); });
  woken_.wake();
}

std::size_t AccountMailRequests::resolve_pending(std::size_t batch) {
  std::size_t mailed = 0;
  auto resolved = common::write(pool_, [&](pqxx::work& tx) {
    auto taken = common::exec(tx, kTake, static_cast<std::int64_t>(batch));
    for (const auto& row : taken) {
      auto email = row["email"].as<std::string>();
      if (row["kind"].as<std::string>() == kind_name(AccountMailKind::kPasswordReset)) {
        auto user = UserStore::find_by_email(tx, email);
        if (user && user->is_active && has_usable_password(*user)) {
          resets_.issue(tx, *user);
          ++mailed;
        }
      } else if (auto user = UserStore::find_by_email(tx, email); user && !user->email_verified) {
        verifications_.issue(tx, *user);
        ++mailed;
      } else if (auto waiting = UserStore::find_by_pending_email(tx, email)) {
        verifications_.issue_change(tx, *waiting, false);
        ++mailed;
      }
    }
    return taken.size();
  });
  if (mailed > 0 && outbox_) outbox_->wake();
  return resolved;
}

void AccountMailRequests::run(std::stop_token stop, std::chrono::milliseconds interval) {
  while (!stop.stop_requested()) {
    try {
      while (resolve_pending() > 0 && !stop.stop_requested()) {
      }
    } catch (const std::exception& e) {
      common::log::warn("account mail requests not resolved, will retry", {{"error", e.what()}});
    }
    woken_.wait(stop, interval);
  }
}

}  // namespace auth
