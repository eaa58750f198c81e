#include "common/pg/pg_pool.hpp"

namespace common {

std::string with_connection_defaults(const std::string& url) {
  if (!url.starts_with("postgresql://") && !url.starts_with("postgres://")) return url;
  // Fail fast instead of hanging on a server or link that went silent: a connect bounded in
  // time, and a connection whose sent data stays unacknowledged for 10 s, or that is idle and
  // unanswered for ~15 s, is dropped (then retried elsewhere or answered UNAVAILABLE). What
  // the URL sets itself wins.
  static const std::pair<const char*, const char*> kDefaults[] = {
      {"connect_timeout", "5"}, {"tcp_user_timeout", "10000"}, {"keepalives", "1"},
      {"keepalives_idle", "5"}, {"keepalives_interval", "2"},  {"keepalives_count", "5"}};
  std::string out = url;
  for (const auto& [name, value] : kDefaults) {
    auto query = out.find('?');
    bool present = query != std::string::npos && (out.find(std::string("?") + name + "=") != std::string::npos ||
                                                  out.find(std::string("&") + name + "=") != std::string::npos);
    if (present) continue;
    out += (query == std::string::npos ? "?" : "&");
    out.append(name).append("=").append(value);
  }
  return out;
}

PgPool::PgPool(std::string url, std::size_t size, Prepare prepare, std::chrono::milliseconds acquire_timeout)
    : url_(with_connection_defaults(url)),
      size_(size == 0 ? 1 : size),
      prepare_(std::move(prepare)),
      acquire_timeout_(acquire_timeout) {}

PgPool::Lease::Lease(PgPool& owner) : pool(owner), connection(owner.acquire()) {}

PgPool::Lease::~Lease() { pool.release(std::move(connection), broken); }

std::unique_ptr<pqxx::connection> PgPool::acquire() {
  {
    std::unique_lock lock(mutex_);
    bool available = released_.wait_for(lock, acquire_timeout_, [&] { return !idle_.empty() || open_ < size_; });
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
