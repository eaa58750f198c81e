#include "common/service/storage_errors.hpp"
#include "common/access/revocation_check.hpp"
#include "common/pg/pg_pool.hpp"
#include "common/redis/redis_client.hpp"

#include <gtest/gtest.h>
#include <pqxx/pqxx>

#include <stdexcept>

namespace {

using common::is_storage_outage;

TEST(StorageErrors, LostOrRefusedConnectionsAreOutages) {
  EXPECT_TRUE(is_storage_outage(pqxx::broken_connection("server closed the connection")));
  EXPECT_TRUE(is_storage_outage(pqxx::too_many_connections("sorry, too many clients already")));
  EXPECT_TRUE(is_storage_outage(pqxx::in_doubt_error("lost connection during COMMIT")));
  EXPECT_TRUE(is_storage_outage(pqxx::statement_completion_unknown("lost connection")));
  EXPECT_TRUE(is_storage_outage(common::PoolExhausted("no database connection free")));
  EXPECT_TRUE(is_storage_outage(common::RedisError("redis connect failed")));
  EXPECT_TRUE(is_storage_outage(common::RevocationUnknown("auth unreachable")));
}

TEST(StorageErrors, ServerStatesThatPassAreOutages) {
  for (const char* state : {"08006", "08001", "57P01", "57P02", "57P03", "53300", "53100", "58030", "40001", "40P01",
                            "57014", "25006", "55P03"}) {
    EXPECT_TRUE(is_storage_outage(pqxx::sql_error("failed", "SELECT 1", state))) << state;
  }
  EXPECT_TRUE(is_storage_outage(pqxx::serialization_failure("could not serialize access")));
  EXPECT_TRUE(is_storage_outage(pqxx::deadlock_detected("deadlock detected")));
}

TEST(StorageErrors, BugsAreNotOutages) {
  EXPECT_FALSE(is_storage_outage(pqxx::unique_violation("duplicate key", "INSERT", "23505")));
  EXPECT_FALSE(is_storage_outage(pqxx::syntax_error("syntax error", "SELEC", "42601")));
  EXPECT_FALSE(is_storage_outage(pqxx::sql_error("internal error", "SELECT 1", "XX000")));
  EXPECT_FALSE(is_storage_outage(pqxx::sql_error("no state")));
  EXPECT_FALSE(is_storage_outage(pqxx::conversion_error("not a number")));
  EXPECT_FALSE(is_storage_outage(pqxx::usage_error("wrong use")));
  EXPECT_FALSE(is_storage_outage(std::runtime_error("anything else")));
  EXPECT_FALSE(is_storage_outage(std::out_of_range("index")));
}

TEST(StorageErrors, ReasonsNameTheDependency) {
  EXPECT_EQ(common::storage_outage_reason(common::PoolExhausted("x")), "database busy");
  EXPECT_EQ(common::storage_outage_reason(common::RedisError("x")), "redis unavailable");
  EXPECT_EQ(common::storage_outage_reason(pqxx::in_doubt_error("x")), "database commit outcome unknown");
  EXPECT_EQ(common::storage_outage_reason(pqxx::broken_connection("x")), "database unavailable");
}

TEST(PgConnectionDefaults, AreAddedUnlessTheUrlSetsThem) {
  EXPECT_EQ(common::with_connection_defaults("postgresql://u@h:5432/db"),
            "postgresql://u@h:5432/db?connect_timeout=5&tcp_user_timeout=10000&keepalives=1&keepalives_idle=5"
            "&keepalives_interval=2&keepalives_count=5");
  auto own = common::with_connection_defaults("postgresql://u@h/db?sslmode=require&connect_timeout=2");
  EXPECT_NE(own.find("?sslmode=require&connect_timeout=2&tcp_user_timeout=10000"), std::string::npos) << own;
  EXPECT_EQ(own.find("connect_timeout=5"), std::string::npos) << own;
  EXPECT_EQ(common::with_connection_defaults("host=h dbname=db"), "host=h dbname=db");
}

}  // namespace
