#pragma once

#include "common/access/revocation_set.hpp"
#include "common/redis/redis_client.hpp"

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
//   auth:revocations:synced       the highest outbox sequence (PostgreSQL) whose revocations the
//                                 set holds; absent: the set cannot be trusted (Redis restarted
//                                 empty), the auth service copies everything again;
//   channel auth:revocations      "jti:<id> <expiry>", "fam:<id> <expiry>", "reload" (re-read
//                                 the whole sorted set) or "heartbeat".
// A heartbeat says: every revocation committed up to ~100 ms before it is in the set and was
// announced before it (Redis delivers in the order it executes). A listener that heard one
// recently can trust its set alone (RevocationListener::current()).
namespace common {

inline constexpr std::string_view kRevocationsKey = "auth:revocations";
inline constexpr std::string_view kRevocationsSyncedKey = "auth:revocations:synced";
inline constexpr std::string_view kRevocationsChannel = "auth:revocations";
inline constexpr std::string_view kReloadMessage = "reload";
inline constexpr std::string_view kHeartbeatMessage = "heartbeat";

struct Revocation {
  enum class Kind { kToken, kFamily };
  Kind kind = Kind::kToken;
  std::string id;
  std::int64_t expires_epoch = 0;

  // "jti:<id>" or "fam:<id>".
  std::string member() const;
};

// Stores and announces the revocations in one script run (atomic) and drops expired members.
// Revocations already expired by Redis's clock are skipped. With `synced_seq`, also raises
// the synced marker to it in the same run, so an append-only file that loses the data loses
// the marker with it. Throws RedisError when Redis fails (the caller decides how to fall back)
// and std::invalid_argument for an empty id.
void publish_revocations(RedisClient& redis, const std::vector<Revocation>& revocations,
                         std::optional<std::int64_t> synced_seq = std::nullopt);
// Stores many revocations without announcing each (a bulk copy from the durable store), then
// sets the synced marker to `synced_seq` and tells listeners to reload. Throws RedisError.
void store_all_revocations(RedisClient& redis, const std::vector<Revocation>& revocations, std::int64_t synced_seq);
// The synced marker; nullopt when absent (a Redis that restarted empty). Throws RedisError.
std::optional<std::int64_t> revocations_synced_seq(RedisClient& redis);
// Publishes a heartbeat if the synced marker exists (atomically): true when it did.
bool publish_heartbeat(RedisClient& redis);
// The members of the sorted set that have not expired by this machine's clock, with expiries.
RevocationSet::Entries load_revocations(RedisClient& redis);

// A channel message "jti:<id> <expiry>" / "fam:<id> <expiry>" as {member, expiry}; nullopt
// when it is neither (including "reload").
std::optional<std::pair<std::string_view, std::int64_t>> parse_revocation_message(std::string_view message);

// Keeps a RevocationSet in step with Redis from a background thread: subscribes to the
// channel on its own connection, then loads the whole sorted set (subscribe first, so nothing
// published in between is lost), then applies messages as they arrive. On any failure it
// reconnects with back-off (100 ms growing to 1 s) and loads the set again. Loads merge into
// the set (revocations are never undone); while Redis is down it keeps its last known state,
// but is not current(): callers then ask the auth service (RevocationCheck).
class RevocationListener final {
 public:
  // How recent the last heartbeat must be for current(). With heartbeats every 200 ms and a
  // heartbeat at most ~150 ms behind what it vouches for, 800 ms keeps a revocation's delay
  // under a second.
  static constexpr std::chrono::milliseconds kDefaultTrustWindow{800};

  RevocationListener(RedisOptions options, RevocationSet& set,
                     std::chrono::milliseconds trust_window = kDefaultTrustWindow);
  ~RevocationListener();
  RevocationListener(const RevocationListener&) = delete;
  RevocationListener& operator=(const RevocationListener&) = delete;

  // Starts the thread; no-op when it is running.
  void start();
  // Ends the thread promptly, also while it waits for messages or for the next retry.
  void stop();

  // Subscribed and the full set loaded.
  bool connected() const { return connected_.load(); }
  // Connected, and a heartbeat arrived after the last load and within the trust window: the
  // set holds every revocation acknowledged more than a second ago.
  bool current() const;
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
  std::chrono::milliseconds trust_window_;
  std::atomic<bool> connected_{false};
  // steady_clock ticks of the last heartbeat since the last (re)load; 0: none yet.
  std::atomic<std::chrono::steady_clock::rep> last_heartbeat_{0};
  std::atomic<std::uint64_t> reloads_{0};
  mutable std::mutex state_mutex_;
  mutable std::condition_variable state_changed_;
};

}  // namespace common
