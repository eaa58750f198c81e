#pragma once

#include "common/core/wake_signal.hpp"
#include "common/pg/pg_pool.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <stop_token>

namespace auth {

// Deleted accounts whose content must still be removed by the content service (README.md,
// "Account lifecycle"): recorded in the transaction that deletes the user, delivered until
// content acknowledges, with back-off while it cannot. Content's removal is idempotent, so a
// delivery repeated after a crash between its call and the acknowledgement does no harm.
// Several replicas may deliver at once (SKIP LOCKED).
class AccountDeletions final {
 public:
  // Removes the user's content; throws when it could not (content down, refused, too slow).
  using RemoveContent = std::function<void(std::int64_t user_id)>;

  // `delay`: how long a deletion waits before its first delivery, longer than a revocation
  // takes to reach every replica plus the longest call, so no write the user started before the
  // deletion can land after content was removed.
  AccountDeletions(common::PgPool& pool, std::chrono::milliseconds delay) : pool_(pool), delay_(delay) {}

  static void prepare(pqxx::connection& connection);
  void record(pqxx::work& tx, std::int64_t user_id) const;

  // Delivers up to `batch` due deletions; returns how many content acknowledged.
  std::size_t deliver_due(const RemoveContent& remove, std::size_t batch = 20);
  // Deletions content has not acknowledged yet.
  std::int64_t pending();

  // Delivers until `stop`: polls every `interval`, sooner after wake().
  void run(std::stop_token stop, const RemoveContent& remove,
           std::chrono::milliseconds interval = std::chrono::seconds(1));
  void wake() { woken_.wake(); }

 private:
  common::PgPool& pool_;
  std::chrono::milliseconds delay_;
  common::WakeSignal woken_;
};

}  // namespace auth
