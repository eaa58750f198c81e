#include "common/pg_pool.hpp"

namespace common {

PgPool::PgPool(std::string url, std::size_t size, Prepare prepare,
               std::chrono::milliseconds acquire_timeout)
    : url_(std::move(url)),
      size_(size == 0 ? 1 : size),
      prepare_(std::move(prepare)),
      acquire_timeout_(acquire_timeout) {}

PgPool::Lease::Lease(PgPool& owner) : pool(owner), connection(owner.acquire()) {}

PgPool::Lease::~Lease() { pool.release(std::move(connection), broken); }

std::unique_ptr<pqxx::connection> PgPool::acquire() {
  {
    std::unique_lock lock(mutex_);
    bool available = released_.wait_for(lock, acquire_timeout_,
                                        [&] { return !idle_.empty() || open_ < size_; });
    if (!available) {
      ++exhausted_;
      throw PoolExhausted("no database connection free");
    }
    if (!idle_.empty()) {
      auto connection = std::move(idle_.back());
      idle_.pop_back();
      return connection;
    }
    ++open_;  // reserve the slot, then connect without holding the lock
  }
  try {
    auto connection = std::make_unique<pqxx::connection>(url_);
    if (prepare_) prepare_(*connection);
    return connection;
  } catch (...) {
    std::lock_guard lock(mutex_);
    --open_;
    released_.notify_one();
    throw;
  }
}

PgPool::Usage PgPool::usage() const {
  std::lock_guard lock(mutex_);
  return {open_, open_ - idle_.size(), exhausted_};
}

void PgPool::release(std::unique_ptr<pqxx::connection> connection, bool broken) {
  std::lock_guard lock(mutex_);
  if (!connection) return;
  if (broken || !connection->is_open()) {
    --open_;
  } else {
    idle_.push_back(std::move(connection));
  }
  released_.notify_one();
}

}  // namespace common
