// The revocation outbox and its publisher (RevocationStore::publish_round), on real PostgreSQL
// and a Redis of the test's own.
#include "integration/auth/auth_fixture.hpp"

#include <gtest/gtest.h>

#include <thread>

namespace {

using auth_test::AuthServiceTest;
using auth_test::ServiceUnderTest;
using test_support::call_context;

// The publisher (RevocationStore::publish_round) runs against a Redis of the test's own here,
// so its marker and set are this test's alone.
class RevocationPublisherTest : public AuthServiceTest {
 protected:
  RevocationPublisherTest()
      : own_redis_(common::RedisOptions::from_url(own_redis_server_.url())), publisher_(pool_, own_redis_) {}

  bool own_redis_has(const std::string& member) {
    return own_redis_.command({"ZSCORE", std::string(common::kRevocationsKey), member}).kind ==
           common::RedisReply::Kind::kString;
  }
  std::int64_t pending() { return count("SELECT count(*) FROM revocation_outbox WHERE published_at IS NULL"); }

  test_support::RedisServer own_redis_server_;
  common::RedisClient own_redis_;
  auth::RevocationStore publisher_;
};

TEST_F(RevocationPublisherTest, EveryRevocationGoesThroughTheOutboxAndARoundEndsWithAHeartbeat) {
  auth::v1::RegisterResponse registered;
  ASSERT_TRUE(register_user("liam", "", "pw-liam-1", &registered).ok());
  auth::v1::LoginResponse second;
  ASSERT_TRUE(login("liam", "", "pw-liam-1", &second).ok());
  // A family (logout) and a token of another session by its own id: two outbox rows.
  ASSERT_TRUE(logout(registered.tokens().refresh(), second.tokens().access()).ok());
  EXPECT_EQ(pending(), 2);

  // A Redis that never had the set: everything is copied, then the outbox published.
  auto first = publisher_.publish_round();
  EXPECT_TRUE(first.ran);
  EXPECT_TRUE(first.copied_all);
  EXPECT_EQ(first.published, 2u);
  EXPECT_TRUE(first.heartbeat);
  EXPECT_EQ(pending(), 0);
  EXPECT_TRUE(own_redis_has("fam:" + family_of(registered.tokens().refresh())));
  EXPECT_TRUE(own_redis_has("jti:" + tokens_.verify(second.tokens().access(), "access").jti));

  auto quiet = publisher_.publish_round();
  EXPECT_FALSE(quiet.copied_all);
  EXPECT_EQ(quiet.published, 0u);
  EXPECT_TRUE(quiet.heartbeat);
}

TEST_F(RevocationPublisherTest, ARevocationWhoseWriterDiedBeforeAnnouncingItIsPublishedByTheNextRound) {
  auth::v1::RegisterResponse registered;
  ASSERT_TRUE(register_user("mona", "", "pw-mona-12", &registered).ok());
  ASSERT_TRUE(publisher_.publish_round().heartbeat);
  // Committed, never announced: what a crash right after COMMIT leaves behind.
  auto family = family_of(registered.tokens().refresh());
  pqxx::connection c(database_.url());
  pqxx::work tx(c);
  tx.exec_params("UPDATE token_families SET revoked_at = now(), revoked_reason = 'logout' WHERE family = $1", family);
  tx.commit();
  EXPECT_FALSE(own_redis_has("fam:" + family));

  auto round = publisher_.publish_round();
  EXPECT_EQ(round.published, 1u);
  EXPECT_FALSE(round.copied_all);
  EXPECT_TRUE(own_redis_has("fam:" + family));
  // And a retried logout of that session, refused as already revoked, needs nothing more.
  EXPECT_EQ(logout(registered.tokens().refresh()).error_code(), grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(RevocationPublisherTest, ARedisThatLostItsCopyGetsEverythingBackBeforeTheNextHeartbeat) {
  auth::v1::RegisterResponse registered;
  ASSERT_TRUE(register_user("nils", "", "pw-nils-12", &registered).ok());
  ASSERT_TRUE(logout(registered.tokens().refresh()).ok());
  ASSERT_TRUE(publisher_.publish_round().heartbeat);
  auto member = "fam:" + family_of(registered.tokens().refresh());

  // Restarted without persistence: no set, no marker, so no heartbeat until the copy is back.
  own_redis_server_.stop();
  own_redis_server_.start();
  EXPECT_FALSE(common::publish_heartbeat(own_redis_));
  auto after_restart = publisher_.publish_round();
  EXPECT_TRUE(after_restart.copied_all);
  EXPECT_TRUE(after_restart.heartbeat);
  EXPECT_TRUE(own_redis_has(member));

  // Replayed a truncated append-only file: the marker is older than what was published.
  own_redis_.command({"DEL", std::string(common::kRevocationsKey)});
  own_redis_.command({"SET", std::string(common::kRevocationsSyncedKey), "0"});
  EXPECT_TRUE(publisher_.publish_round().copied_all);
  EXPECT_TRUE(own_redis_has(member));
}

TEST_F(RevocationPublisherTest, OneReplicaPublishesAtATime) {
  pqxx::connection other(database_.url());
  pqxx::work holding(other);
  holding.exec("SELECT pg_advisory_xact_lock(" + std::to_string(0x7265766f6b65LL) + ")");
  auto round = publisher_.publish_round();
  EXPECT_FALSE(round.ran);
  EXPECT_FALSE(round.heartbeat);
  holding.abort();
  EXPECT_TRUE(publisher_.publish_round().ran);
}

TEST_F(RevocationPublisherTest, WithoutRedisLogoutIsDurableAndThePublisherCatchesUp) {
  // A Redis client pointed at a port nobody listens on.
  common::RedisOptions nowhere;
  nowhere.port = test_support::free_port();
  common::RedisClient down(nowhere);
  auth::RevocationStore offline_store(pool_, down);
  auth::Throttles throttles{{down, "a", {1000, std::chrono::seconds(60)}},
                            {down, "b", {1000, std::chrono::seconds(60)}},
                            {down, "c", {1000, std::chrono::seconds(60)}},
                            {down, "d", {1000, std::chrono::seconds(60)}},
                            {down, "e", {1000, std::chrono::seconds(60)}}};
  ServiceUnderTest offline(parts_with({.revocations = &offline_store, .throttles = &throttles}));

  auth::v1::RegisterResponse registered;
  ASSERT_TRUE(register_user("mia", "", "pw-mia-12", &registered, offline.stub.get()).ok());
  ASSERT_TRUE(logout(registered.tokens().refresh(), registered.tokens().access(), offline.stub.get()).ok());
  EXPECT_EQ(refresh(registered.tokens().refresh(), nullptr, offline.stub.get()).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(count("SELECT count(*) FROM token_families WHERE revoked_reason = 'logout'"), 1);
  EXPECT_THROW(offline_store.publish_round(), common::RedisError);
  EXPECT_EQ(pending(), 1);
  // Redis is back (here: another one): the next round publishes what was missed.
  EXPECT_EQ(publisher_.publish_round().published, 1u);
  EXPECT_TRUE(own_redis_has("fam:" + family_of(registered.tokens().refresh())));
}

}  // namespace
