// Revocations published through real Redis: the shared server scripts/test.sh starts
// (TEST_REDIS_URL), and servers of the tests' own where Redis must go down and come back.
#include "common/access/revocation_channel.hpp"
#include "common/core/text.hpp"
#include "support/test_support.hpp"

#include <gtest/gtest.h>

#include <memory>

namespace {

using namespace std::chrono_literals;
using common::Revocation;
using common::RevocationListener;
using common::RevocationSet;
using test_support::wait_until;

std::int64_t epoch_in(std::chrono::seconds from_now) {
  return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch() + from_now)
      .count();
}

// Ids unique per test: the sorted set and channel names are fixed, and shared by every test.
std::string unique(const std::string& prefix) { return prefix + "-" + common::random_hex(6); }

Revocation token(const std::string& id, std::chrono::seconds ttl = 60s) {
  return {Revocation::Kind::kToken, id, epoch_in(ttl)};
}

Revocation family(const std::string& id, std::chrono::seconds ttl = 60s) {
  return {Revocation::Kind::kFamily, id, epoch_in(ttl)};
}

std::string key() { return std::string(common::kRevocationsKey); }

std::chrono::milliseconds time_to_stop(RevocationListener& listener) {
  auto start = std::chrono::steady_clock::now();
  listener.stop();
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
}

// A redis-server of the test's own, to stop and start again on the same port.
class OwnRedis final {
 public:
  explicit OwnRedis(std::string password = "")
      : password_(std::move(password)),
        server_(password_.empty() ? std::vector<std::string>{} : std::vector<std::string>{"--requirepass", password_}) {
  }

  void start() { server_.start(); }
  void stop() { server_.stop(); }

  common::RedisOptions options() const {
    common::RedisOptions options;
    options.port = server_.port();
    options.password = password_;
    options.timeout = 300ms;
    return options;
  }

 private:
  std::string password_;
  test_support::RedisServer server_;
};

class RevocationChannelTest : public ::testing::Test {
 protected:
  static common::RedisOptions shared_options() {
    return common::RedisOptions::from_url(test_support::required_env("TEST_REDIS_URL"));
  }

  common::RedisClient redis_{shared_options()};
  RevocationSet set_;
};

TEST_F(RevocationChannelTest, PublishedRevocationsReachARunningListenerWithinASecond) {
  RevocationListener listener(shared_options(), set_);
  listener.start();
  ASSERT_TRUE(listener.wait_connected(2s));
  auto jti = unique("jti");
  auto fam = unique("fam");
  EXPECT_FALSE(set_.is_revoked(jti, fam));

  common::publish_revocations(redis_, {token(jti), family(fam)});
  EXPECT_TRUE(wait_until(1s, [&] { return set_.is_revoked(jti, "") && set_.is_revoked("another", fam); }));
  EXPECT_FALSE(set_.is_revoked(unique("jti"), unique("fam")));
  EXPECT_EQ(listener.reloads(), 1u);  // messages are applied one by one, not by reloading
}

TEST_F(RevocationChannelTest, RevocationsStoredBeforeTheListenerStartsAreLoaded) {
  auto jti = unique("jti");
  auto fam = unique("fam");
  common::publish_revocations(redis_, {token(jti), family(fam)});

  RevocationListener listener(shared_options(), set_);
  listener.start();
  ASSERT_TRUE(listener.wait_connected(2s));
  // Connected means loaded: no wait.
  EXPECT_TRUE(set_.is_revoked(jti, ""));
  EXPECT_TRUE(set_.is_revoked("another", fam));
  EXPECT_EQ(listener.reloads(), 1u);
}

TEST_F(RevocationChannelTest, ReloadMessageReReadsTheSortedSetAndForgetsNothing) {
  RevocationListener listener(shared_options(), set_);
  listener.start();
  ASSERT_TRUE(listener.wait_connected(2s));
  auto jti = unique("jti");
  // Written without a message: only a reload brings it.
  redis_.command({"ZADD", key(), std::to_string(epoch_in(60s)), "jti:" + jti});
  EXPECT_FALSE(set_.is_revoked(jti, ""));

  redis_.command({"PUBLISH", std::string(common::kRevocationsChannel), "reload"});
  ASSERT_TRUE(wait_until(2s, [&] { return listener.reloads() == 2; }));
  EXPECT_TRUE(set_.is_revoked(jti, ""));

  // A reload merges: what Redis lost (a restart without persistence, before the auth
  // service re-seeds it) stays revoked here, because a revocation is never undone.
  redis_.command({"ZREM", key(), "jti:" + jti});
  redis_.command({"PUBLISH", std::string(common::kRevocationsChannel), "reload"});
  EXPECT_TRUE(wait_until(2s, [&] { return listener.reloads() == 3; }));
  EXPECT_TRUE(set_.is_revoked(jti, ""));
}

TEST_F(RevocationChannelTest, MalformedMessagesAreIgnoredAndTheListenerKeepsGoing) {
  RevocationListener listener(shared_options(), set_);
  listener.start();
  ASSERT_TRUE(listener.wait_connected(2s));
  auto bad = unique("bad");
  auto channel = std::string(common::kRevocationsChannel);
  for (const auto& message : {"jti:" + bad, "jti:" + bad + " soon", "usr:" + bad + " 99999999999", std::string()}) {
    redis_.command({"PUBLISH", channel, message});
  }
  auto good = unique("jti");
  common::publish_revocations(redis_, {token(good)});
  EXPECT_TRUE(wait_until(1s, [&] { return set_.is_revoked(good, ""); }));
  EXPECT_FALSE(set_.is_revoked(bad, bad));
  EXPECT_TRUE(listener.connected());
  EXPECT_EQ(listener.reloads(), 1u);
}

TEST_F(RevocationChannelTest, PublishSkipsExpiredRevocationsAndDropsExpiredMembers) {
  auto stale = "jti:" + unique("stale");
  redis_.command({"ZADD", key(), std::to_string(epoch_in(-10s)), stale});
  auto fresh = unique("fresh");
  auto dead = unique("dead");
  common::publish_revocations(redis_, {token(fresh, 60s), token(dead, -5s)});

  EXPECT_EQ(redis_.command({"ZSCORE", key(), stale}).kind, common::RedisReply::Kind::kNil);
  EXPECT_EQ(redis_.command({"ZSCORE", key(), "jti:" + dead}).kind, common::RedisReply::Kind::kNil);
  auto score = redis_.command({"ZSCORE", key(), "jti:" + fresh});
  ASSERT_EQ(score.kind, common::RedisReply::Kind::kString);
  EXPECT_NEAR(std::stoll(score.text), epoch_in(60s), 2);
}

TEST_F(RevocationChannelTest, RevokingAgainKeepsTheLaterExpiry) {
  auto fam = unique("fam");
  common::publish_revocations(redis_, {family(fam, 600s)});
  common::publish_revocations(redis_, {family(fam, 60s)});
  auto score = redis_.command({"ZSCORE", key(), "fam:" + fam});
  EXPECT_NEAR(std::stoll(score.text), epoch_in(600s), 2);
}

TEST_F(RevocationChannelTest, LoadReturnsUnexpiredMembersWithTheirExpiries) {
  auto fresh = "fam:" + unique("fresh");
  auto stale = "jti:" + unique("stale");
  auto expires = epoch_in(120s);
  redis_.command({"ZADD", key(), std::to_string(expires), fresh, std::to_string(epoch_in(-1s)), stale});

  auto entries = common::load_revocations(redis_);
  bool found_fresh = false;
  for (const auto& [member, expiry] : entries) {
    EXPECT_NE(member, stale);
    if (member == fresh) {
      found_fresh = true;
      EXPECT_EQ(expiry, expires);
    }
  }
  EXPECT_TRUE(found_fresh);
}

TEST_F(RevocationChannelTest, PublishingToAnUnreachableRedisThrowsRedisError) {
  common::RedisOptions down;
  down.port = test_support::free_port();  // nothing listens there
  down.timeout = 200ms;
  common::RedisClient unreachable(down);
  EXPECT_THROW(common::publish_revocations(unreachable, {token(unique("jti"))}), common::RedisError);
  EXPECT_THROW(common::publish_heartbeat(unreachable), common::RedisError);
  EXPECT_THROW(common::load_revocations(unreachable), common::RedisError);
}

TEST_F(RevocationChannelTest, StopReturnsPromptlyWhileWaitingForMessages) {
  RevocationListener listener(shared_options(), set_);
  listener.start();
  ASSERT_TRUE(listener.wait_connected(2s));
  EXPECT_LT(time_to_stop(listener), 200ms);
  EXPECT_FALSE(listener.connected());
}

TEST(RevocationListenerRestartTest, ReconnectsByItselfAfterRedisRestarts) {
  OwnRedis server;
  RevocationSet set;
  RevocationListener listener(server.options(), set);
  listener.start();
  ASSERT_TRUE(listener.wait_connected(2s));
  auto before = unique("before");
  {
    common::RedisClient redis(server.options());
    common::publish_revocations(redis, {token(before)});
  }
  ASSERT_TRUE(wait_until(1s, [&] { return set.is_revoked(before, ""); }));

  server.stop();
  ASSERT_TRUE(wait_until(2s, [&] { return !listener.connected(); }));
  server.start();
  // Published while the listener may still be backing off: it arrives by message or by the load.
  auto during = unique("during");
  {
    common::RedisClient redis(server.options());
    common::publish_revocations(redis, {token(during)});
  }
  ASSERT_TRUE(listener.wait_connected(5s));  // the back-off is at most 2 s
  EXPECT_TRUE(wait_until(1s, [&] { return set.is_revoked(during, ""); }));
  EXPECT_GE(listener.reloads(), 2u);

  auto after = unique("after");
  {
    common::RedisClient redis(server.options());
    common::publish_revocations(redis, {family(after)});
  }
  EXPECT_TRUE(wait_until(1s, [&] { return set.is_revoked("any", after); }));
}

TEST(RevocationListenerRestartTest, StopReturnsPromptlyWhileRedisIsDown) {
  OwnRedis server;
  RevocationSet set;
  RevocationListener listener(server.options(), set);
  listener.start();
  ASSERT_TRUE(listener.wait_connected(2s));
  server.stop();
  ASSERT_TRUE(wait_until(2s, [&] { return !listener.connected(); }));
  EXPECT_FALSE(listener.wait_connected(300ms));  // retrying by now
  EXPECT_LT(time_to_stop(listener), 200ms);
}

TEST(RevocationListenerRestartTest, HeartbeatKeepsAQuietConnectionAndDropsAnUnresponsiveOne) {
  OwnRedis server;
  RevocationSet set;
  RevocationListener listener(server.options(), set);
  listener.start();
  ASSERT_TRUE(listener.wait_connected(2s));
  // Quiet for longer than the PING interval: answered PINGs keep the connection.
  EXPECT_FALSE(wait_until(1500ms, [&] { return !listener.connected() || listener.reloads() != 1; }));

  // A paused server accepts bytes but answers nothing, like a peer that vanished silently.
  common::RedisClient redis(server.options());
  redis.command({"CLIENT", "PAUSE", "4500", "ALL"});
  EXPECT_TRUE(wait_until(5s, [&] { return !listener.connected(); }));
  EXPECT_TRUE(listener.wait_connected(5s));
  EXPECT_GE(listener.reloads(), 2u);
}

TEST(RevocationListenerRestartTest, AuthenticatesAndSelectsTheDatabase) {
  OwnRedis server("s3cret");
  auto options = server.options();
  options.db = 2;
  auto jti = unique("jti");
  {
    common::RedisClient redis(options);
    common::publish_revocations(redis, {token(jti)});
  }
  RevocationSet set;
  RevocationListener listener(options, set);
  listener.start();
  ASSERT_TRUE(listener.wait_connected(2s));
  EXPECT_TRUE(set.is_revoked(jti, ""));  // loaded from database 2

  auto wrong = options;
  wrong.password = "not-it";
  RevocationSet untouched;
  RevocationListener refused(wrong, untouched);
  refused.start();
  EXPECT_FALSE(refused.wait_connected(500ms));
  EXPECT_EQ(untouched.size(), 0u);
  EXPECT_LT(time_to_stop(refused), 200ms);
}

TEST(RevocationHeartbeatTest, AListenerIsCurrentOnlyWhileHeartbeatsFollowItsLoad) {
  OwnRedis redis;
  common::RedisClient client(redis.options());
  RevocationSet set;
  RevocationListener listener(redis.options(), set, 300ms);
  listener.start();
  ASSERT_TRUE(listener.wait_connected(2s));
  EXPECT_FALSE(listener.current());  // loaded, but nobody vouched for the set yet
  // No marker (this Redis never got the full copy): no heartbeat either.
  EXPECT_FALSE(common::publish_heartbeat(client));

  common::store_all_revocations(client, {token("t1")}, 7);
  ASSERT_TRUE(wait_until(2s, [&] { return listener.reloads() == 2; }));
  EXPECT_TRUE(set.is_revoked("t1", ""));
  ASSERT_TRUE(common::publish_heartbeat(client));
  EXPECT_TRUE(wait_until(1s, [&] { return listener.current(); }));
  // Silence longer than the trust window: the set alone is no longer trusted.
  EXPECT_TRUE(wait_until(1s, [&] { return !listener.current(); }));
  ASSERT_TRUE(common::publish_heartbeat(client));
  EXPECT_TRUE(wait_until(1s, [&] { return listener.current(); }));
  // A reload is vouched for only by a heartbeat after it.
  client.command({"PUBLISH", std::string(common::kRevocationsChannel), "reload"});
  ASSERT_TRUE(wait_until(2s, [&] { return listener.reloads() == 3; }));
  EXPECT_FALSE(listener.current());
}

TEST(RevocationHeartbeatTest, LosingRedisEndsCurrentAtOnce) {
  OwnRedis redis;
  common::RedisClient client(redis.options());
  RevocationSet set;
  RevocationListener listener(redis.options(), set, 60s);  // heartbeats alone would vouch for a minute
  listener.start();
  ASSERT_TRUE(listener.wait_connected(2s));
  common::store_all_revocations(client, {}, 0);
  ASSERT_TRUE(wait_until(2s, [&] { return listener.reloads() == 2; }));
  ASSERT_TRUE(common::publish_heartbeat(client));
  ASSERT_TRUE(wait_until(1s, [&] { return listener.current(); }));
  auto stopped = std::chrono::steady_clock::now();
  redis.stop();
  ASSERT_TRUE(wait_until(2s, [&] { return !listener.current(); }));
  EXPECT_LT(std::chrono::steady_clock::now() - stopped, 1s);
}

TEST(RevocationHeartbeatTest, PublishingRaisesAnExistingMarkerAndNeverCreatesOne) {
  OwnRedis redis;
  common::RedisClient client(redis.options());
  common::publish_revocations(client, {token("a")}, 5);
  EXPECT_EQ(common::revocations_synced_seq(client), std::nullopt);
  common::store_all_revocations(client, {token("a")}, 5);
  EXPECT_EQ(common::revocations_synced_seq(client), 5);
  common::publish_revocations(client, {token("b")}, 9);
  EXPECT_EQ(common::revocations_synced_seq(client), 9);
  common::publish_revocations(client, {token("c")}, 8);  // out of order: never lowered
  EXPECT_EQ(common::revocations_synced_seq(client), 9);
  common::publish_revocations(client, {token("d")});
  EXPECT_EQ(common::revocations_synced_seq(client), 9);
}

}  // namespace
