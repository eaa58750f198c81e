#include "common/access/revocation_channel.hpp"

#include "common/core/epoch.hpp"
#include "common/core/log.hpp"
#include "common/redis/redis_connection.hpp"

#include <poll.h>
#include <pthread.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <csignal>
#include <limits>
#include <memory>
#include <stdexcept>
#include <system_error>

namespace common {
namespace {

using namespace std::chrono_literals;

constexpr std::string_view kTokenPrefix = "jti:";
constexpr std::string_view kFamilyPrefix = "fam:";

constexpr auto kInitialBackoff = 100ms;
constexpr auto kMaxBackoff = 1s;
// How often the listener wakes while waiting for messages, to check its heartbeat.
constexpr auto kPollInterval = 250ms;
// A connection silent this long gets a PING; without an answer in time it counts as broken.
// This catches a peer that vanished without closing the socket (TCP keepalive takes minutes).
constexpr auto kPingWhenIdleFor = 1s;
constexpr auto kPingTimeout = 3s;

// KEYS[1]: the sorted set, KEYS[2]: the synced marker. ARGV[1]: the channel, ARGV[2]: an outbox
// sequence to raise the marker to ("" for none), then pairs of member and expiry (epoch
// seconds). The clock is Redis's own (TIME), shared by every auth instance. Expiries are
// handed on as the caller's strings: Lua 5.1 would print large numbers imprecisely. ZADD GT
// keeps the later expiry when a member is revoked twice. An absent marker stays absent: the
// set may lack older revocations until the auth service copied them all again.
constexpr std::string_view kPublishScript = R"lua(
local now = redis.call('TIME')[1]
local published = 0
for i = 3, #ARGV, 2 do
  local member, expires = ARGV[i], ARGV[i + 1]
  if tonumber(expires) > tonumber(now) then
    redis.call('ZADD', KEYS[1], 'GT', expires, member)
    redis.call('PUBLISH', ARGV[1], member .. ' ' .. expires)
    published = published + 1
  end
end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if ARGV[2] ~= '' then
  local synced = redis.call('GET', KEYS[2])
  if synced and tonumber(ARGV[2]) > tonumber(synced) then redis.call('SET', KEYS[2], ARGV[2]) end
end
return published
)lua";

// KEYS[1]: the synced marker. ARGV[1]: the channel, ARGV[2]: the heartbeat message.
constexpr std::string_view kHeartbeatScript = R"lua(
if redis.call('EXISTS', KEYS[1]) == 1 then
  redis.call('PUBLISH', ARGV[1], ARGV[2])
  return 1
end
return 0
)lua";

std::optional<std::int64_t> parse_integer(std::string_view text) {
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// Redis prints scores as doubles ("1700000000", "inf", "1.5e+19" when someone wrote one).
std::optional<std::int64_t> parse_score(std::string_view text) {
  if (auto integer = parse_integer(text)) return integer;
  double value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || std::isnan(value)) return std::nullopt;
  constexpr auto kMax = std::numeric_limits<std::int64_t>::max();
  constexpr auto kMin = std::numeric_limits<std::int64_t>::min();
  if (value >= static_cast<double>(kMax)) return kMax;
  if (value <= static_cast<double>(kMin)) return kMin;
  return static_cast<std::int64_t>(std::ceil(value));
}

bool is_member(std::string_view member) {
  return (member.starts_with(kTokenPrefix) || member.starts_with(kFamilyPrefix)) &&
         member.size() > kTokenPrefix.size();
}

using redis::ReplyPtr;

std::string_view text_of(const redisReply* reply) {
  if (reply->type != REDIS_REPLY_STRING && reply->type != REDIS_REPLY_STATUS) return {};
  return {reply->str, reply->len};
}

}  // namespace

std::string Revocation::member() const {
  return std::string(kind == Kind::kToken ? kTokenPrefix : kFamilyPrefix) + id;
}

void publish_revocations(RedisClient& redis, const std::vector<Revocation>& revocations,
                         std::optional<std::int64_t> synced_seq) {
  if (revocations.empty() && !synced_seq) return;
  std::vector<std::string> args{"EVAL", std::string(kPublishScript), "2", std::string(kRevocationsKey),
                                std::string(kRevocationsSyncedKey), std::string(kRevocationsChannel),
                                synced_seq ? std::to_string(*synced_seq) : std::string()};
  for (const auto& revocation : revocations) {
    if (revocation.id.empty()) throw std::invalid_argument("revocation without an id");
    args.push_back(revocation.member());
    args.push_back(std::to_string(revocation.expires_epoch));
  }
  redis.command(args);
}

void store_all_revocations(RedisClient& redis, const std::vector<Revocation>& revocations, std::int64_t synced_seq) {
  // Chunks keep each command small; ZADD GT keeps a later expiry already stored.
  constexpr std::size_t kChunk = 500;
  for (std::size_t start = 0; start < revocations.size(); start += kChunk) {
    std::vector<std::string> args = {"ZADD", std::string(kRevocationsKey), "GT"};
    for (std::size_t i = start; i < std::min(revocations.size(), start + kChunk); ++i) {
      args.push_back(std::to_string(revocations[i].expires_epoch));
      args.push_back(revocations[i].member());
    }
    redis.command(args);
  }
  // Only after every chunk: a marker says the set is complete.
  redis.command({"SET", std::string(kRevocationsSyncedKey), std::to_string(synced_seq)});
  redis.command({"PUBLISH", std::string(kRevocationsChannel), std::string(kReloadMessage)});
}

std::optional<std::int64_t> revocations_synced_seq(RedisClient& redis) {
  auto reply = redis.command({"GET", std::string(kRevocationsSyncedKey)});
  if (reply.kind == RedisReply::Kind::kNil) return std::nullopt;
  auto seq = parse_integer(reply.text);
  if (!seq) throw RedisError("unexpected value in " + std::string(kRevocationsSyncedKey));
  return seq;
}

bool publish_heartbeat(RedisClient& redis) {
  auto reply = redis.command({"EVAL", std::string(kHeartbeatScript), "1", std::string(kRevocationsSyncedKey),
                              std::string(kRevocationsChannel), std::string(kHeartbeatMessage)});
  return reply.integer == 1;
}

RevocationSet::Entries load_revocations(RedisClient& redis) {
  // Exclusive lower bound: a revocation expiring at T no longer matters at T.
  auto reply = redis.command({"ZRANGEBYSCORE", std::string(kRevocationsKey), "(" + std::to_string(epoch_seconds(std::chrono::system_clock::now())),
                              "+inf", "WITHSCORES"});
  if (reply.kind != RedisReply::Kind::kArray || reply.elements.size() % 2 != 0) {
    throw RedisError("unexpected ZRANGEBYSCORE reply");
  }
  RevocationSet::Entries entries;
  entries.reserve(reply.elements.size() / 2);
  for (std::size_t i = 0; i < reply.elements.size(); i += 2) {
    auto score = parse_score(reply.elements[i + 1].text);
    if (!score) throw RedisError("unexpected score in " + std::string(kRevocationsKey));
    entries.emplace_back(std::move(reply.elements[i].text), *score);
  }
  return entries;
}

std::optional<std::pair<std::string_view, std::int64_t>> parse_revocation_message(std::string_view message) {
  // The last space: the expiry never contains one, an id might.
  auto space = message.rfind(' ');
  if (space == std::string_view::npos) return std::nullopt;
  auto member = message.substr(0, space);
  auto expires = parse_integer(message.substr(space + 1));
  if (!is_member(member) || !expires) return std::nullopt;
  return std::pair{member, *expires};
}

// A connection subscribed to the channel. Blocking hiredis calls (bounded by the options'
// timeout) set it up; afterwards the listener polls the socket and feeds hiredis's reader.
class RevocationListener::Subscription final {
 public:
  explicit Subscription(const RedisOptions& options) : context_(redis::connect(options)) {
    auto confirmation = redis::command(context_.get(), {"SUBSCRIBE", std::string(kRevocationsChannel)});
    if (confirmation->type != REDIS_REPLY_ARRAY || confirmation->elements < 1 ||
        text_of(confirmation->element[0]) != "subscribe") {
      throw RedisError("unexpected SUBSCRIBE reply");
    }
  }

  int fd() const { return context_->fd; }

  // The next complete reply already received, or null.
  ReplyPtr next_reply() {
    void* reply = nullptr;
    if (redisGetReplyFromReader(context_.get(), &reply) != REDIS_OK) throw failure("redis protocol error");
    return ReplyPtr(static_cast<redisReply*>(reply));
  }

  // Call when poll() reports the socket readable (or closed).
  void read_available() {
    if (redisBufferRead(context_.get()) != REDIS_OK) throw failure("redis read failed");
  }

  void send_ping() {
    if (redisAppendCommand(context_.get(), "PING") != REDIS_OK) throw failure("redis PING failed");
    int done = 0;
    while (!done) {
      if (redisBufferWrite(context_.get(), &done) != REDIS_OK) throw failure("redis PING failed");
    }
  }

 private:
  RedisError failure(const std::string& what) const { return RedisError(what + ": " + context_->errstr); }

  redis::ContextPtr context_;
};

RevocationListener::RevocationListener(RedisOptions options, RevocationSet& set,
                                       std::chrono::milliseconds trust_window)
    : options_(std::move(options)),
      set_(set),
      stop_fd_(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)),
      trust_window_(trust_window) {
  if (stop_fd_ < 0) throw std::system_error(errno, std::generic_category(), "eventfd");
}

RevocationListener::~RevocationListener() {
  stop();
  close(stop_fd_);
}

void RevocationListener::start() {
  if (thread_.joinable()) return;
  thread_ = std::thread([this] { run(); });
}

void RevocationListener::stop() {
  if (!thread_.joinable()) return;
  // An eventfd write fails only when its counter would overflow, which one increment cannot do.
  const std::uint64_t one = 1;
  [[maybe_unused]] auto written = write(stop_fd_, &one, sizeof one);
  thread_.join();
  std::uint64_t count = 0;
  [[maybe_unused]] auto drained = read(stop_fd_, &count, sizeof count);  // reset for a later start()
}

bool RevocationListener::wait_connected(std::chrono::milliseconds timeout) const {
  std::unique_lock lock(state_mutex_);
  return state_changed_.wait_for(lock, timeout, [this] { return connected_.load(); });
}

bool RevocationListener::current() const {
  auto heard = last_heartbeat_.load();
  if (!connected_.load() || heard == 0) return false;
  auto since = std::chrono::steady_clock::now() - std::chrono::steady_clock::time_point(std::chrono::steady_clock::duration(heard));
  return since < trust_window_;
}

void RevocationListener::set_connected(bool connected) {
  {
    std::lock_guard lock(state_mutex_);
    connected_ = connected;
    if (!connected) last_heartbeat_ = 0;
  }
  state_changed_.notify_all();
}

bool RevocationListener::wait_for_stop(std::chrono::milliseconds timeout) const {
  pollfd stop{stop_fd_, POLLIN, 0};
  return poll(&stop, 1, static_cast<int>(timeout.count())) > 0;
}

void RevocationListener::load_all(RedisClient& loader) {
  // Merged, not replaced: what Redis lacks (it restarted empty and the auth service has not
  // re-seeded it yet) must not be forgotten here.
  set_.merge(load_revocations(loader));
  // Only a heartbeat that follows this load vouches for the set.
  last_heartbeat_ = 0;
  ++reloads_;
}

void RevocationListener::apply(std::string_view message, RedisClient& loader) {
  if (message == kHeartbeatMessage) {
    last_heartbeat_ = std::chrono::steady_clock::now().time_since_epoch().count();
    return;
  }
  if (message == kReloadMessage) {
    load_all(loader);
    return;
  }
  auto revocation = parse_revocation_message(message);
  if (!revocation) {
    log::warn("ignoring a malformed revocation message", {{"message", message.substr(0, 80)}});
    return;
  }
  set_.add(revocation->first, revocation->second);
}

void RevocationListener::run() {
  // A write to a socket the server has closed raises SIGPIPE, which would end the process;
  // blocked here it stays pending on this thread and the write just fails with EPIPE.
  sigset_t pipe;
  sigemptyset(&pipe);
  sigaddset(&pipe, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &pipe, nullptr);

  auto backoff = std::chrono::milliseconds(kInitialBackoff);
  bool outage_logged = false;
  while (true) {
    try {
      Subscription subscription(options_);
      // The subscribed connection can run no other command: loads use a connection of their own.
      RedisClient loader(options_);
      load_all(loader);
      set_connected(true);
      backoff = kInitialBackoff;
      if (outage_logged) log::info("revocation listener reconnected to redis", {{"revocations", set_.size()}});
      outage_logged = false;
      listen(subscription, loader);
      break;  // stop() was called
    } catch (const std::exception& e) {
      set_connected(false);
      if (!outage_logged) {
        log::warn("revocation listener cannot reach redis, retrying; revocations may arrive late",
                  {{"error", e.what()}});
        outage_logged = true;
      }
    }
    if (wait_for_stop(backoff)) break;
    backoff = std::min<std::chrono::milliseconds>(backoff * 2, kMaxBackoff);
  }
  set_connected(false);
}

void RevocationListener::listen(Subscription& subscription, RedisClient& loader) {
  auto last_traffic = std::chrono::steady_clock::now();
  std::optional<std::chrono::steady_clock::time_point> ping_sent;
  while (true) {
    while (auto reply = subscription.next_reply()) {
      last_traffic = std::chrono::steady_clock::now();
      ping_sent.reset();
      if (reply->type == REDIS_REPLY_ERROR) throw RedisError("redis error: " + std::string(reply->str, reply->len));
      // Pushes are arrays: {"message", channel, payload}, {"subscribe", ...}, {"pong", ""}.
      if (reply->type == REDIS_REPLY_ARRAY && reply->elements == 3 &&
          text_of(reply->element[0]) == "message" && reply->element[2]->type == REDIS_REPLY_STRING) {
        apply(text_of(reply->element[2]), loader);
      }
    }

    pollfd fds[2] = {{subscription.fd(), POLLIN, 0}, {stop_fd_, POLLIN, 0}};
    int ready = poll(fds, 2, static_cast<int>(std::chrono::milliseconds(kPollInterval).count()));
    if (ready < 0) {
      if (errno == EINTR) continue;
      throw std::system_error(errno, std::generic_category(), "poll");
    }
    if (fds[1].revents != 0) return;
    if (fds[0].revents != 0) {
      subscription.read_available();  // also reports a closed or failed socket
      continue;
    }
    auto now = std::chrono::steady_clock::now();
    if (ping_sent && now - *ping_sent > kPingTimeout) throw RedisError("redis did not answer PING");
    if (!ping_sent && now - last_traffic >= kPingWhenIdleFor) {
      subscription.send_ping();
      ping_sent = now;
    }
  }
}

}  // namespace common
