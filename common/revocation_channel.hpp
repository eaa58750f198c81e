#pragma once

#include "common/redis_client.hpp"
#include "common/revocation_set.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

// How the auth service tells gateways and the content service about revoked tokens, through
// Redis:
//   sorted set auth:revocations   members "jti:<token id>" / "fam:<family id>", scored by the
//                                 revocation's expiry (Unix epoch seconds);
//   channel auth:revocations      "jti:<id> <expiry>", "fam:<id> <expiry>", or "reload"
//                                 (re-read the whole sorted set).
namespace common {

inline constexpr std::string_view kRevocationsKey = "auth:revocations";
inline constexpr std::string_view kRevocationsChannel = "auth:revocations";
inline constexpr std::string_view kReloadMessage = "reload";

struct Revocation {
  enum class Kind { kToken, kFamily };
  Kind kind = Kind::kToken;
  std::string id;
  std::int64_t expires_epoch = 0;

  // "jti:<id>" or "fam:<id>".
  std::string member() const;
};

// Stores and announces the revocations in one script run (atomic) and drops expired members.
// Revocations already expired by Redis's clock are skipped. Throws RedisError when Redis fails
// (the caller decides how to fall back) and std::invalid_argument for an empty id.
void publish_revocations(RedisClient& redis, const std::vector<Revocation>& revocations);
// Stores many revocations without announcing each (a bulk copy from the durable store);
// follow with publish_reload(). Throws RedisError.
void store_revocations(RedisClient& redis, const std::vector<Revocation>& revocations);
// Asks every listener to re-read the whole sorted set.
void publish_reload(RedisClient& redis);
// The members of the sorted set that have not expired by this machine's clock, with expiries.
RevocationSet::Entries load_revocations(RedisClient& redis);

// A channel message "jti:<id> <expiry>" / "fam:<id> <expiry>" as {member, expiry}; nullopt
// when it is neither (including "reload").
std::optional<std::pair<std::string_view, std::int64_t>> parse_revocation_message(std::string_view message);

// Keeps a RevocationSet in step with Redis from a background thread: subscribes to the
// channel on its own connection, then loads the whole sorted set (subscribe first, so nothing
// published in between is lost), then applies messages as they arrive. On any failure it
// reconnects with back-off (100 ms growing to 2 s) and loads the set again. Loads merge into
// the set (revocations are never undone); while Redis is down it keeps its last known state.
class RevocationListener final {
 public:
  RevocationListener(RedisOptions options, RevocationSet& set);
  ~RevocationListener();
  RevocationListener(const RevocationListener&) = delete;
  RevocationListener& operator=(const RevocationListener&) = delete;

  // Starts the thread; no-op when it is running.
  void start();
  // Ends the thread promptly, also while it waits for messages or for the next retry.
  void stop();

  // Subscribed and the full set loaded.
  bool connected() const { return connected_.load(); }
  // Full loads of the sorted set so far: one per (re)connect and one per "reload" message.
  std::uint64_t reloads() const { return reloads_.load(); }
  bool wait_connected(std::chrono::milliseconds timeout) const;

 private:
  class Subscription;  // the subscribed hiredis connection, defined in the .cpp

  void run();
  // Applies messages until stop() is called; throws on any connection failure.
  void listen(Subscription& subscription, RedisClient& loader);
  void set_connected(bool connected);
  void load_all(RedisClient& loader);
  void apply(std::string_view message, RedisClient& loader);
  // Sleeps up to `timeout`; true when stop() was called.
  bool wait_for_stop(std::chrono::milliseconds timeout) const;

  RedisOptions options_;
  RevocationSet& set_;
  int stop_fd_ = -1;  // an eventfd: readable once stop() was called, wakes poll()
  std::thread thread_;
  std::atomic<bool> connected_{false};
  std::atomic<std::uint64_t> reloads_{0};
  mutable std::mutex state_mutex_;
  mutable std::condition_variable state_changed_;
};

}  // namespace common
