#include "auth/app/housekeeping.hpp"

#include "auth/accounts/identity_keys.hpp"

#include "common/core/log.hpp"
#include "common/core/stoppable_sleep.hpp"
#include "common/pg/transactions.hpp"

namespace auth {

std::int64_t purge_expired_rows(common::PgPool& pool) {
  return common::write(pool, [](pqxx::work& tx) {
    std::int64_t deleted = 0;
    for (const char* statement : {
             "DELETE FROM revoked_tokens WHERE expires_at < now()",
             "DELETE FROM token_families WHERE expires_at < now()",  // cascades to refresh_tokens
             "DELETE FROM email_verifications WHERE expires_at < now()",
             "DELETE FROM password_resets WHERE expires_at < now()",
             "DELETE FROM account_deletions WHERE content_removed_at < now() - interval '30 days'",
             "DELETE FROM mail_outbox WHERE sent_at < now() - interval '7 days' "
             "OR failed_at < now() - interval '30 days'",
             // Published and expired; the newest published row stays, the publisher compares
             // Redis's synced marker with its sequence.
             "DELETE FROM revocation_outbox WHERE published_at IS NOT NULL AND expires_at < now() "
             "AND seq < (SELECT max(seq) FROM revocation_outbox WHERE published_at IS NOT NULL)",
         }) {
      deleted += tx.exec(statement).affected_rows();
    }
    return deleted;
  });
}

void run_housekeeping(common::PgPool& pool, std::stop_token stop, std::chrono::seconds interval) {
  while (!stop.stop_requested()) {
    try {
      auto deleted = purge_expired_rows(pool);
      if (deleted > 0) common::log::info("expired rows purged", {{"rows", deleted}});
    } catch (const std::exception& e) {
      common::log::warn("purging expired rows failed", {{"error", e.what()}});
    }
    try {
      // Rows an older replica wrote without keys during a rolling upgrade (migration 005).
      log_identity_key_report(fill_identity_keys(pool));
    } catch (const std::exception& e) {
      common::log::warn("filling identity keys failed", {{"error", e.what()}});
    }
    common::sleep_unless_stopped(stop, interval);
  }
}

}  // namespace auth
