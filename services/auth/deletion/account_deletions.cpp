#include "auth/deletion/account_deletions.hpp"

#include "common/core/log.hpp"
#include "common/pg/statement.hpp"
#include "common/pg/transactions.hpp"

namespace auth {
namespace {

const common::Statement kRecord{"deletion_record",
                                "INSERT INTO account_deletions (user_id, next_attempt_at) "
                                "VALUES ($1, now() + make_interval(secs => $2)) ON CONFLICT (user_id) DO NOTHING"};
const common::Statement kDue{"deletion_due",
                             "SELECT user_id FROM account_deletions "
                             "WHERE content_removed_at IS NULL AND next_attempt_at <= now() "
                             "ORDER BY next_attempt_at LIMIT $1 FOR UPDATE SKIP LOCKED"};
const common::Statement kDone{"deletion_done",
                              "UPDATE account_deletions SET content_removed_at = now(), attempts = attempts + 1, "
                              "last_error = NULL WHERE user_id = $1"};
// Back-off: 1 s doubling, capped at 5 minutes; never given up (the content must go).
const common::Statement kRetry{"deletion_retry",
                               "UPDATE account_deletions SET attempts = attempts + 1, last_error = $2, "
                               "next_attempt_at = now() + make_interval(secs => LEAST(300, power(2, LEAST(attempts, "
                               "9)))) WHERE user_id = $1"};
const common::Statement kPending{"deletion_pending",
                                 "SELECT count(*) AS pending FROM account_deletions WHERE content_removed_at IS NULL"};

}  // namespace

void AccountDeletions::prepare(pqxx::connection& c) {
  for (const auto* statement : {&kRecord, &kDue, &kDone, &kRetry, &kPending}) statement->prepare(c);
}

void AccountDeletions::record(pqxx::work& tx, std::int64_t user_id) const {
  common::exec(tx, kRecord, user_id, std::chrono::duration<double>(delay_).count());
}

std::size_t AccountDeletions::deliver_due(const RemoveContent& remove, std::size_t batch) {
  return common::write(pool_, [&](pqxx::work& tx) {
    std::size_t acknowledged = 0;
    for (const auto& row : common::exec(tx, kDue, static_cast<std::int64_t>(batch))) {
      auto user_id = row["user_id"].as<std::int64_t>();
      try {
        remove(user_id);
        common::exec(tx, kDone, user_id);
        ++acknowledged;
      } catch (const std::exception& e) {
        common::log::warn("deleted account's content not removed yet, will retry",
                          {{"user_id", user_id}, {"error", e.what()}});
        common::exec(tx, kRetry, user_id, std::string(e.what()));
        break;  // content is likely down: the others wait for the next round, not for timeouts
      }
    }
    return acknowledged;
  });
}

std::int64_t AccountDeletions::pending() {
  return common::read(
      pool_, [](pqxx::nontransaction& tx) { return common::exec1(tx, kPending)["pending"].as<std::int64_t>(); });
}

void AccountDeletions::run(std::stop_token stop, const RemoveContent& remove, std::chrono::milliseconds interval) {
  while (!stop.stop_requested()) {
    try {
      deliver_due(remove);
    } catch (const std::exception& e) {
      common::log::warn("account deletions not delivered, will retry", {{"error", e.what()}});
    }
    woken_.wait(stop, interval);
  }
}

}  // namespace auth
