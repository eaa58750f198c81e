#include "common/access/revocation_channel.hpp"

#include "common/core/log.hpp"
#include "common/redis/redis_connection.hpp"

#include <poll.h>
#include <pthread.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <memory>
#include <stdexcept>
#include <system_error>

namespace common {
namespace {

using namespace std::chrono_literals;
using redis::ReplyPtr;

constexpr auto kInitialBackoff = 100ms;
constexpr auto kMaxBackoff = 1s;
// How often the listener wakes while waiting for messages, to check its heartbeat.
constexpr auto kPollInterval = 250ms;
// A connection silent this long gets a PING; without an answer in time it counts as broken.
// This catches a peer that vanished without closing the socket (TCP keepalive takes minutes).
constexpr auto kPingWhenIdleFor = 1s;
constexpr auto kPingTimeout = 3s;

std::string_view text_of(const redisReply* reply) {
  if (reply->type != REDIS_REPLY_STRING && reply->type != REDIS_REPLY_STATUS) return {};
  return {reply->str, reply->len};
}

}  // namespace

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

RevocationListener::RevocationListener(RedisOptions options, RevocationSet& set, std::chrono::milliseconds trust_window)
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
  auto since = std::chrono::steady_clock::now() -
               std::chrono::steady_clock::time_point(std::chrono::steady_clock::duration(heard));
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
      if (reply->type == REDIS_REPLY_ARRAY && reply->elements == 3 && text_of(reply->element[0]) == "message" &&
          reply->element[2]->type == REDIS_REPLY_STRING) {
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
